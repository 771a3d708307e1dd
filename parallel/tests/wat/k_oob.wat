;; Marks its iteration like k_trivial, but iteration 3 stores past the end of
;; memory first (a guard-page fault in JIT code, a bounds check otherwise).
(module
  (import "env" "memory" (memory 2 65536 shared))
  (func (export "kernel") (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (if (i32.eq (local.get $id) (i32.const 3))
      (then (i32.store (i32.const -4) (i32.const 1))))
    (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $id) (i32.const 2)))
      (i32.add (local.get $id) (i32.const 1)))))
