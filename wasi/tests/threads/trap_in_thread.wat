;; wasi-threads: a spawned thread traps while the main thread waits forever;
;; the trap must end the whole program (wpvm run exits with status 134).
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "wasi_thread_start") (param i32 i32)
    unreachable)
  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))))
