;; A 2021-generation program whose kernel (table entry 1) itself calls
;; parallel_for and write_buffer: both must return invalid_argument (1) at
;; once on every device, never block. The kernel stores
;; 100 * parallel_for's errno + write_buffer's errno at word thread_id.
(module
  (import "wasi_ephemeral_parallel" "get_device" (func $get_device (param i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "create_buffer" (func $create_buffer (param i32 i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "write_buffer" (func $write_buffer (param i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "read_buffer" (func $read_buffer (param i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "parallel_for"
    (func $parallel_for (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (table (export "__indirect_function_table") 2 funcref)
  (elem (i32.const 1) $kernel)
  (func $kernel (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $id) (i32.const 2)))
      (i32.add
        (i32.mul (i32.const 100)
          (call $parallel_for (i32.const 1) (i32.const 1) (i32.const 1) (i32.const 0) (i32.const 0)
            (i32.const 0) (i32.const 0)))
        (call $write_buffer (i32.const 0) (i32.const 0) (i32.const 0)))))
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
