;; One module instantiated many times (in one store, in many stores, on many
;; threads): its interpreter code is built once and shared, while every
;; instance keeps its own global, table and memory, reached through the
;; running instance.
(module
  (type $ii (func (param i32) (result i32)))
  (memory 1)
  (global $count (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $double $fib)
  ;; Adds `by` to this instance's counter and returns it.
  (func (export "bump") (param $by i32) (result i32)
    (global.set $count (i32.add (global.get $count) (local.get $by)))
    (global.get $count))
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $double (param $x i32) (result i32) (i32.add (local.get $x) (local.get $x)))
  ;; table[i](x), through call_indirect.
  (func (export "apply") (param $i i32) (param $x i32) (result i32)
    (call_indirect (type $ii) (local.get $x) (local.get $i)))
  ;; Stores v at address 0 of this instance's memory and reads back the sum
  ;; of what was stored there before and v.
  (func (export "accumulate") (param $v i32) (result i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (local.get $v)))
    (i32.load (i32.const 0)))
  ;; table.get and table.size on this instance's table: 1 if table[i] is set.
  (func (export "is_set") (param $i i32) (result i32)
    (if (result i32) (i32.ge_u (local.get $i) (table.size 0))
      (then (i32.const 0))
      (else (i32.eqz (ref.is_null (table.get 0 (local.get $i))))))))
