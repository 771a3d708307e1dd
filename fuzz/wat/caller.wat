;; The parallel harness's caller: re-exports the five current wasi-parallel
;; functions so that the harness calls them with the arguments it decodes
;; from its input. Its memory is unshared, like wasi-libc's, and bounded so
;; that stack regions the host appends for kernels stay small.
(module
  (import "wasi_ephemeral_parallel" "get_device" (func $get_device (param i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "create_buffer" (func $create_buffer (param i32 i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "write_buffer" (func $write_buffer (param i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "read_buffer" (func $read_buffer (param i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "parallel_exec"
    (func $parallel_exec (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 4 64)
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
