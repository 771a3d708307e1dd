;; wasi-threads program: the main thread and 4 spawned threads each add 1 to
;; a shared counter 1,000,000 times with i32.atomic.rmw.add, then meet at a
;; barrier built from an atomic arrival count, memory.atomic.wait32 and
;; memory.atomic.notify. Past the barrier every increment must be visible:
;; exit status 0 when the counter is exactly 5,000,000, 1 when it is not, 2 when
;; a thread cannot be spawned.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))

  ;; memory: 0 counter, 4 arrivals, 8 barrier open (0/1)
  (global $threads i32 (i32.const 4))
  (global $iters i32 (i32.const 1000000))

  (func $work
    (local $i i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (global.get $iters)))))

  ;; The last of threads + 1 arrivals opens the barrier and wakes everyone;
  ;; the others sleep until it is open (re-checking after each wake-up).
  (func $barrier
    (if (i32.eq (i32.atomic.rmw.add (i32.const 4) (i32.const 1)) (global.get $threads))
      (then
        (i32.atomic.store (i32.const 8) (i32.const 1))
        (drop (memory.atomic.notify (i32.const 8) (i32.const -1))))
      (else
        (loop $wait
          (if (i32.eqz (i32.atomic.load (i32.const 8)))
            (then
              (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1)))
              (br $wait)))))))

  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (call $work)
    (call $barrier))

  (func (export "_start")
    (local $n i32)
    (loop $s
      (if (i32.le_s (call $spawn (local.get $n)) (i32.const 0))
        (then (call $exit (i32.const 2))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $s (i32.lt_u (local.get $n) (global.get $threads))))
    (call $work)
    (call $barrier)
    (call $exit
      (i32.ne (i32.atomic.load (i32.const 0))
              (i32.mul (i32.add (global.get $threads) (i32.const 1)) (global.get $iters))))))
