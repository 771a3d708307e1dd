;; Instantiated before fuel.wat, which imports its function and calls it
;; directly and through its table (test_fuel.cpp): it asks the host for the
;; fuel left and divides by its argument (traps on 0).
(module
  (import "env" "peek" (func $peek (result i64)))
  (func (export "work") (param i32) (result i32)
    (i32.add (i32.wrap_i64 (call $peek)) (i32.div_u (i32.const 1000) (local.get 0)))))
