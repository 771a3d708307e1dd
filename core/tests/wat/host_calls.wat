;; Calls between Wasm and the host, in both directions.
(module
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (import "host" "mem_size" (func $mem_size (result i32)))
  (memory (export "memory") 2)
  (func (export "use_add") (param i32) (result i32)
    (call $add (local.get 0) (i32.const 100)))
  (func $double (export "double") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 2)))
  (func (export "via_host") (param i32) (result i32)
    (i32.add (call $reenter (local.get 0)) (i32.const 1)))
  (func (export "mem_pages") (result i32) (call $mem_size))
)
