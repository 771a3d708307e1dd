;; Wait/notify and atomics through Wasm, for test_threads.cpp: the shared
;; memory is imported so that several stores (one per thread) can use it.
(module
  (import "env" "mem" (memory 1 4 shared))
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1)))
  (func (export "add") (param i32 i32) (result i32)
    (i32.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "store") (param i32 i32)
    (i32.atomic.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  ;; Sleeps until notified on address 0, then reads `addr` and memory.size:
  ;; another thread may grow the memory meanwhile.
  (func (export "wait_then_load") (param $addr i32) (result i32 i32)
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
    (i32.load (local.get $addr))
    (memory.size)))
