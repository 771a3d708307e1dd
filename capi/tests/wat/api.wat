;; For test_api.cpp. Function indices: cb 0, add 1, call_cb 2, get_add 3,
;; pass 4, v128 5, deep 6, inner 7.
(module
  (import "host" "cb" (func $cb (param i32) (result i32)))
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "call_cb") (param i32) (result i32) (call $cb (local.get 0)))
  (func (export "get_add") (result funcref) (ref.func $add))
  (func (export "pass") (param externref) (result externref) (local.get 0))
  (func (export "v128") (param v128) (result v128) (local.get 0))
  (func (export "deep") (param i32) (result i32) (call $inner (local.get 0)))
  (func $inner (param i32) (result i32)
    (if (local.get 0) (then unreachable))
    (i32.const 5))
  (table (export "tab") 2 funcref)
  (elem (i32.const 0) $add)
  (memory (export "mem") 1 3)
  (global (export "g") (mut i32) (i32.const 10)))
