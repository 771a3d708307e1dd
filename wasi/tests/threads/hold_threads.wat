;; wasi-threads threads that wait for a flag (test_limits.cpp): each counts
;; itself running in word 0 and spins until "release" sets word 1.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "wasi_thread_start") (param i32 i32)
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
    (loop $l (br_if $l (i32.eqz (i32.atomic.load (i32.const 4)))))
    (drop (i32.atomic.rmw.sub (i32.const 0) (i32.const 1))))
  ;; spawns n threads; how many thread-spawn started
  (func (export "start") (param i32) (result i32) (local i32)
    (loop $l
      (if (i32.gt_s (call $spawn (i32.const 0)) (i32.const 0))
        (then (local.set 1 (i32.add (local.get 1) (i32.const 1)))))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))
  (func (export "running") (result i32) (i32.atomic.load (i32.const 0)))
  (func (export "hold") (i32.atomic.store (i32.const 4) (i32.const 0)))
  (func (export "release") (i32.atomic.store (i32.const 4) (i32.const 1))))
