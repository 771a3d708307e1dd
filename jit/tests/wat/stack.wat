;; The stack budget (EngineConfig::max_wasm_stack) on every tier, in code
;; mixing them and across host re-entries (test_stack.cpp).
(module
  (import "env" "reenter" (func $reenter (param i32) (result i32)))
  ;; n frames deep, returns n.
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $rec (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  ;; The same using v128 (the tests have the JIT leave it to the interpreter:
  ;; jit::set_refused_functions).
  (func $rec_v128 (export "rec_v128") (param i32) (result i32)
    (local v128)
    (local.set 1 (i32x4.splat (local.get 0)))
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else
        (i32.add (call $rec_v128 (i32.sub (local.get 0) (i32.const 1)))
                 (i32.sub (i32x4.extract_lane 3 (local.get 1)) (i32.sub (local.get 0) (i32.const 1)))))))
  ;; Recursion alternating between a function the JIT compiles and one it
  ;; leaves to the interpreter: mix(n) is n frames deep, returns n.
  (func $mix (export "mix") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $mix_v128 (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  (func $mix_v128 (export "mix_v128") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else
        (i32x4.extract_lane 0
          (i32x4.splat (i32.add (call $mix (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))))
  ;; Recursion without end, plain and mixed.
  (func $forever (export "forever") (param i32) (result i32)
    (call $forever (i32.add (local.get 0) (i32.const 1))))
  (func (export "forever_mixed") (param i32) (result i32)
    (call $mix (i32.const -1)))
  ;; nest(k, n): k frames deep, then the host calls nest(n, 0) (env.reenter
  ;; with n > 0); returns k + n.
  (func $nest (export "nest") (param i32 i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then
        (if (result i32) (i32.eqz (local.get 1))
          (then (i32.const 0))
          (else (call $reenter (local.get 1)))))
      (else (i32.add (call $nest (i32.sub (local.get 0) (i32.const 1)) (local.get 1)) (i32.const 1)))))
)
