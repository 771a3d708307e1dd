;; A current-generation caller: imports five wasi-parallel functions and
;; re-exports them so that tests can drive them with arguments of their
;; choice. Its memory is unshared and unbounded, like wasi-libc's.
(module
  (import "wasi_ephemeral_parallel" "get_device" (func $get_device (param i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "create_buffer" (func $create_buffer (param i32 i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "write_buffer" (func $write_buffer (param i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "read_buffer" (func $read_buffer (param i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "parallel_exec"
    (func $parallel_exec (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 8)
  (func (export "get_device") (param i32 i32) (result i32)
    (call $get_device (local.get 0) (local.get 1)))
  (func (export "create_buffer") (param i32 i32 i32 i32) (result i32)
    (call $create_buffer (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "write_buffer") (param i32 i32 i32) (result i32)
    (call $write_buffer (local.get 0) (local.get 1) (local.get 2)))
  (func (export "read_buffer") (param i32 i32 i32) (result i32)
    (call $read_buffer (local.get 0) (local.get 1) (local.get 2)))
  (func (export "parallel_exec") (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (call $parallel_exec (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
      (local.get 5) (local.get 6) (local.get 7) (local.get 8))))
