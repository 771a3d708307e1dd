;; A caller whose memory can never exceed one page: a buffer larger than that
;; cannot alias it (out_of_memory).
(module
  (import "wasi_ephemeral_parallel" "get_device" (func $get_device (param i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "create_buffer" (func $create_buffer (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (func (export "get_device") (param i32 i32) (result i32)
    (call $get_device (local.get 0) (local.get 1)))
  (func (export "create_buffer") (param i32 i32 i32 i32) (result i32)
    (call $create_buffer (local.get 0) (local.get 1) (local.get 2) (local.get 3))))
