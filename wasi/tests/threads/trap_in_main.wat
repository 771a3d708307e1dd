;; wasi-threads: the main thread traps while a spawned thread waits forever;
;; the program ends at once with the trap (wpvm run exits with status 134).
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "wasi_thread_start") (param i32 i32)
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))
  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    unreachable))
