;; Micro benchmark loops (run_atomics.py): $n atomic operations on one
;; uncontended address of a shared memory; each returns the final count.
(module
  (memory (export "memory") 1 1 shared)
  ;; i32.atomic.rmw.add: lock xadd when inline.
  (func (export "rmw_add") (param $n i32) (result i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 64) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.atomic.load (i32.const 64)))
  ;; An increment through a compare-exchange retry loop, as lock-free code
  ;; without a fetch-add of the right kind does it.
  (func (export "cas_loop") (param $n i32) (result i32) (local $old i32) (local $seen i32)
    (loop $l
      (local.set $old (i32.atomic.load (i32.const 64)))
      (block $done
        (loop $retry
          (local.set $seen (i32.atomic.rmw.cmpxchg (i32.const 64) (local.get $old)
                              (i32.add (local.get $old) (i32.const 1))))
          (br_if $done (i32.eq (local.get $seen) (local.get $old)))
          (local.set $old (local.get $seen))
          (br $retry)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.atomic.load (i32.const 64)))
  ;; rmw.or with its old value dropped (x86 has no fetch-or: a used old value
  ;; needs a lock cmpxchg loop, a dropped one a single lock or).
  (func (export "rmw_or") (param $n i32) (result i32)
    (loop $l
      (drop (i32.atomic.rmw.or (i32.const 64) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.atomic.load (i32.const 64)))
)
