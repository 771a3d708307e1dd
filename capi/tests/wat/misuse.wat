;; One of each kind of import and export, for misuse.c.
(module
  (import "m" "f" (func $f (param i32) (result i32)))
  (import "m" "g" (global $g i32))
  (func (export "call_f") (param i32) (result i32) (call $f (local.get 0)))
  (func (export "take_ref") (param externref) (result externref) (local.get 0))
  (global (export "var") (mut i32) (i32.const 1))
  (global (export "const") i32 (global.get $g))
  (table (export "tab") 2 3 funcref)
  (memory (export "mem") 1 2)
  (func (export "trap") unreachable))
