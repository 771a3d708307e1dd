;; wasi-threads threads recursing deep (test_stack.cpp): a thread started
;; with arg n > 0 stores rec(n) (= n) at address 8; with arg 0 it recurses
;; without end.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func $rec (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $rec (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  (func $forever (param i32) (result i32)
    (call $forever (i32.add (local.get 0) (i32.const 1))))
  (func (export "wasi_thread_start") (param i32 i32)
    (if (i32.eqz (local.get 1))
      (then (drop (call $forever (i32.const 0))))
      (else (i32.atomic.store (i32.const 8) (call $rec (local.get 1))))))
  ;; Starts a thread with arg n; returns its id (negative: not started).
  (func (export "start") (param i32) (result i32)
    (i32.atomic.store (i32.const 8) (i32.const 0))
    (call $spawn (local.get 0)))
  (func (export "result") (result i32) (i32.atomic.load (i32.const 8)))
  (func (export "rec") (param i32) (result i32) (call $rec (local.get 0))))
