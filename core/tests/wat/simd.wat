;; SIMD lanes the spec suite covers only thinly or that are easy to get
;; wrong in an interpreter: NaNs in min/max/pmin, narrowing saturation,
;; swizzle/shuffle indices, lane loads at the end of memory, operands that
;; share slots with the result; and single instructions over their params,
;; whose results the shared value functions (exec/simd.h) must reproduce.
(module
  (memory 1)
  (func (export "f32x4_min") (param v128 v128) (result v128) (f32x4.min (local.get 0) (local.get 1)))
  (func (export "f32x4_max") (param v128 v128) (result v128) (f32x4.max (local.get 0) (local.get 1)))
  (func (export "f32x4_pmin") (param v128 v128) (result v128) (f32x4.pmin (local.get 0) (local.get 1)))
  (func (export "f64x2_min") (param v128 v128) (result v128) (f64x2.min (local.get 0) (local.get 1)))
  (func (export "narrow_s") (param v128 v128) (result v128) (i8x16.narrow_i16x8_s (local.get 0) (local.get 1)))
  (func (export "narrow_u") (param v128 v128) (result v128) (i8x16.narrow_i16x8_u (local.get 0) (local.get 1)))
  (func (export "narrow32_u") (param v128 v128) (result v128) (i16x8.narrow_i32x4_u (local.get 0) (local.get 1)))
  (func (export "swizzle") (param v128 v128) (result v128) (i8x16.swizzle (local.get 0) (local.get 1)))
  (func (export "shuffle") (param v128 v128) (result v128)
    (i8x16.shuffle 31 0 30 1 16 15 17 14 0 0 0 0 31 31 31 31 (local.get 0) (local.get 1)))
  (func (export "load32_lane3") (param i32) (result v128)
    (v128.load32_lane offset=0 3 (local.get 0) (v128.const i32x4 1 2 3 4)))
  (func (export "store_at") (param i32 v128) (v128.store offset=16 (local.get 0) (local.get 1)))
  ;; Result and operands on the operand stack, computed twice over: each
  ;; instruction must read its operands before writing its result.
  (func (export "chain") (param i32) (result i32)
    (i32x4.extract_lane 3
      (i32x4.add
        (i32x4.splat (local.get 0))
        (i32x4.mul (i32x4.splat (local.get 0)) (v128.const i32x4 1 2 3 4)))))
  ;; One instruction each, over the params (compared with exec::simd::value_fn).
  (func (export "bitmask8") (param v128) (result i32) (i8x16.bitmask (local.get 0)))
  (func (export "all_true16") (param v128) (result i32) (i16x8.all_true (local.get 0)))
  (func (export "extract_s8_5") (param v128) (result i32) (i8x16.extract_lane_s 5 (local.get 0)))
  (func (export "extract_u16_7") (param v128) (result i32) (i16x8.extract_lane_u 7 (local.get 0)))
  (func (export "extract_i64_1") (param v128) (result i64) (i64x2.extract_lane 1 (local.get 0)))
  (func (export "extract_f32_2") (param v128) (result f32) (f32x4.extract_lane 2 (local.get 0)))
  (func (export "replace_i16_3") (param v128 i32) (result v128) (i16x8.replace_lane 3 (local.get 0) (local.get 1)))
  (func (export "replace_f64_1") (param v128 f64) (result v128) (f64x2.replace_lane 1 (local.get 0) (local.get 1)))
  (func (export "splat_i8") (param i32) (result v128) (i8x16.splat (local.get 0)))
  (func (export "shl_i32") (param v128 i32) (result v128) (i32x4.shl (local.get 0) (local.get 1)))
  (func (export "shr_s8") (param v128 i32) (result v128) (i8x16.shr_s (local.get 0) (local.get 1)))
  (func (export "q15mulr") (param v128 v128) (result v128) (i16x8.q15mulr_sat_s (local.get 0) (local.get 1)))
  (func (export "trunc_sat_s") (param v128) (result v128) (i32x4.trunc_sat_f32x4_s (local.get 0)))
  (func (export "demote") (param v128) (result v128) (f32x4.demote_f64x2_zero (local.get 0)))
  (func (export "bitselect") (param v128 v128 v128) (result v128) (v128.bitselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "extmul_hi_s") (param v128 v128) (result v128) (i32x4.extmul_high_i16x8_s (local.get 0) (local.get 1)))
)
