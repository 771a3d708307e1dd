;; SIMD lanes the spec suite covers only thinly or that are easy to get
;; wrong in an interpreter: NaNs in min/max/pmin, narrowing saturation,
;; swizzle/shuffle indices, lane loads at the end of memory, operands that
;; share slots with the result.
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
)
