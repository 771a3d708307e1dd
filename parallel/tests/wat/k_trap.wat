;; Marks its iteration like k_trivial, but iteration 5 divides by zero first.
(module
  (import "env" "memory" (memory 2 65536 shared))
  (func (export "kernel") (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (drop (i32.div_u (i32.const 1) (i32.sub (local.get $id) (i32.const 5))))
    (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $id) (i32.const 2)))
      (i32.add (local.get $id) (i32.const 1)))))
