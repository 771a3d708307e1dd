;; A table of five million elements of which one is set.
(module
  (type $r (func (result i32)))
  (table (export "t") 5000000 funcref)
  (func $answer (result i32) (i32.const 42))
  (elem (i32.const 4000000) $answer)
  (func (export "call") (param i32) (result i32)
    (call_indirect (type $r) (local.get 0))))
