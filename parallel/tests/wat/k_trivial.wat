;; Writes iteration_id + 1 into word iteration_id of its one buffer: every
;; iteration that ran leaves a mark.
(module
  (import "env" "memory" (memory 2 65536 shared))
  (func (export "kernel") (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $id) (i32.const 2)))
      (i32.add (local.get $id) (i32.const 1)))))
