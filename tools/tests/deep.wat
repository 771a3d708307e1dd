;; Deep recursion for `wpvm run --invoke` (the stack budget,
;; EngineConfig::max_wasm_stack): rec(n) and rec_v128(n) are n frames deep
;; and return n.
(module
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $rec (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  (func $rec_v128 (export "rec_v128") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else
        (i32x4.extract_lane 0
          (i32x4.add (i32x4.splat (call $rec_v128 (i32.sub (local.get 0) (i32.const 1)))) (i32x4.splat (i32.const 1))))))))
