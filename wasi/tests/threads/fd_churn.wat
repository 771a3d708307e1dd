;; wasi-threads program: the main thread and 4 spawned threads share one WASI
;; descriptor table. Each opens a file of its own in the preopened directory
;; (fd 3), writes a byte to it and closes it, 500 times, while also asking for
;; the status of a neighbouring descriptor that another thread may be closing
;; at that moment (any answer is fine; a crash is not). Every open, write and
;; close of its own must succeed. Exit status 0 when none failed, 1 when one
;; did, 2 when a thread cannot be spawned.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))

  ;; memory: 0 arrivals, 4 barrier open (0/1), 8 failures;
  ;; thread t's area at 1024 + 64*t: +0 file name "f<t>", +8 opened fd,
  ;; +16 iovec {ptr, len}, +24 bytes written, +32 fdstat (24 bytes)
  (global $threads i32 (i32.const 4))
  (global $iters i32 (i32.const 500))

  (func $fail (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1))))

  (func $work (param $t i32)
    (local $base i32) (local $i i32) (local $fd i32)
    (local.set $base (i32.add (i32.const 1024) (i32.shl (local.get $t) (i32.const 6))))
    (i32.store8 (local.get $base) (i32.const 102))  ;; 'f'
    (i32.store8 offset=1 (local.get $base) (i32.add (i32.const 48) (local.get $t)))
    (i32.store offset=16 (local.get $base) (local.get $base))
    (i32.store offset=20 (local.get $base) (i32.const 1))
    (loop $l
      ;; oflags 1 = creat; all rights (the directory's inheriting rights cap them)
      (if (call $path_open (i32.const 3) (i32.const 0) (local.get $base) (i32.const 2) (i32.const 1)
                           (i64.const -1) (i64.const -1) (i32.const 0) (i32.add (local.get $base) (i32.const 8)))
        (then (call $fail))
        (else
          (local.set $fd (i32.load offset=8 (local.get $base)))
          (if (call $fd_write (local.get $fd) (i32.add (local.get $base) (i32.const 16)) (i32.const 1)
                              (i32.add (local.get $base) (i32.const 24)))
            (then (call $fail)))
          (drop (call $fd_fdstat_get (i32.xor (local.get $fd) (i32.const 1))
                                     (i32.add (local.get $base) (i32.const 32))))
          (if (call $fd_close (local.get $fd)) (then (call $fail)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (global.get $iters)))))

  ;; The last of threads + 1 arrivals opens the barrier and wakes everyone.
  (func $barrier
    (if (i32.eq (i32.atomic.rmw.add (i32.const 0) (i32.const 1)) (global.get $threads))
      (then
        (i32.atomic.store (i32.const 4) (i32.const 1))
        (drop (memory.atomic.notify (i32.const 4) (i32.const -1))))
      (else
        (loop $wait
          (if (i32.eqz (i32.atomic.load (i32.const 4)))
            (then
              (drop (memory.atomic.wait32 (i32.const 4) (i32.const 0) (i64.const -1)))
              (br $wait)))))))

  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (call $work (local.get $arg))
    (call $barrier))

  (func (export "_start")
    (local $n i32)
    (loop $s
      (if (i32.le_s (call $spawn (i32.add (local.get $n) (i32.const 1))) (i32.const 0))
        (then (call $exit (i32.const 2))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $s (i32.lt_u (local.get $n) (global.get $threads))))
    (call $work (i32.const 0))
    (call $barrier)
    (call $exit (i32.ne (i32.atomic.load (i32.const 8)) (i32.const 0)))))
