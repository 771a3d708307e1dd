;; Imports of every kind, for link-time type matching.
(module
  (import "env" "f" (func (param i32) (result i32)))
  (import "env" "mem" (memory 1 2))
  (import "env" "tab" (table 1 funcref))
  (import "env" "g" (global (mut i32)))
  (func (export "get_g") (result i32) (global.get 0))
  (func (export "call_f") (param i32) (result i32) (call 0 (local.get 0))))
