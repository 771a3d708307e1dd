;; Traps in two iterations: iteration 1 (after iteration 0 has spun for a
;; while, so that on a CPU device another worker's iteration 3000 traps first
;; in time) and iteration 3000. Every device must report iteration 1, the
;; lowest, and every iteration below it must have run; the others store
;; id + 1 at word id.
(module
  (import "env" "memory" (memory 2 65536 shared))
  (func (export "kernel") (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (local $spin i32)
    (if (i32.eqz (local.get $id))
      (then
        (local.set $spin (i32.const 30000000))
        (loop $wait
          (local.set $spin (i32.sub (local.get $spin) (i32.const 1)))
          (br_if $wait (local.get $spin)))))
    (if (i32.or (i32.eq (local.get $id) (i32.const 1)) (i32.eq (local.get $id) (i32.const 3000)))
      (then unreachable))
    (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $id) (i32.const 2)))
      (i32.add (local.get $id) (i32.const 1)))))
