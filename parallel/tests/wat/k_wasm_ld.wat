;; The shape wasm-ld gives a C kernel: a one-entry funcref table and an unused
;; mutable __stack_pointer. It counts its calls in a global of its own and
;; stores the count so far at word iteration_id: the count shows how long an
;; instance lives (one per worker, kept across calls, never per iteration).
(module
  (import "env" "memory" (memory 2 65536 shared))
  (table 1 1 funcref)
  (global $__stack_pointer (mut i32) (i32.const 65536))
  (global $calls (mut i32) (i32.const 0))
  (func (export "kernel") (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $id) (i32.const 2)))
      (global.get $calls))))
