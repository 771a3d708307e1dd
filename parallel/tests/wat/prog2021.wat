;; A 2021-generation program: it imports parallel_for, so its get_device
;; hints use the 2021 enum. Its kernel is function 1 of its exported table;
;; the kernel bumps a mutable global (a per-worker copy) and writes
;; thread_id * 10 + that global's value into word thread_id of its buffer.
(module
  (import "wasi_ephemeral_parallel" "get_device" (func $get_device (param i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "create_buffer" (func $create_buffer (param i32 i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "write_buffer" (func $write_buffer (param i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "read_buffer" (func $read_buffer (param i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "parallel_for"
    (func $parallel_for (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $g (export "g") (mut i32) (i32.const 100))
  (table (export "__indirect_function_table") 3 funcref)
  (elem (i32.const 1) $kernel $not_a_kernel)
  (func $kernel (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $id) (i32.const 2)))
      (i32.add (i32.mul (local.get $id) (i32.const 10)) (global.get $g))))
  (func $not_a_kernel (param i32) (result i32) (local.get 0))
  (func (export "get_device") (param i32 i32) (result i32)
    (call $get_device (local.get 0) (local.get 1)))
  (func (export "create_buffer") (param i32 i32 i32 i32) (result i32)
    (call $create_buffer (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "write_buffer") (param i32 i32 i32) (result i32)
    (call $write_buffer (local.get 0) (local.get 1) (local.get 2)))
  (func (export "read_buffer") (param i32 i32 i32) (result i32)
    (call $read_buffer (local.get 0) (local.get 1) (local.get 2)))
  (func (export "parallel_for") (param i32 i32 i32 i32 i32 i32 i32) (result i32)
    (call $parallel_for (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
      (local.get 5) (local.get 6))))
