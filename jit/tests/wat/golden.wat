;; Small functions whose machine code is pinned by golden listings.
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "add_const") (param i64) (result i64) (i64.add (local.get 0) (i64.const 7)))
  (func (export "lt") (param i32 i32) (result i32) (i32.lt_s (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "fadd") (param f64 f64) (result f64) (f64.add (local.get 0) (local.get 1)))
  ;; Pinned locals: an address base + index * 8 in one lea (with an index
  ;; alone, no base), a counter bumped in its register, a select on the flags.
  (memory 1)
  (func (export "addr") (param i32 i32) (result f64)
    (f64.add (f64.load offset=8 (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3))))
             (f64.load (i32.shl (local.get 1) (i32.const 2)))))
  ;; A float constant is a rip-relative operand in a pool after the code.
  (func (export "fscale") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5)))
  (func (export "count") (param i32) (result i32) (local i32)
    (loop (br_if 0 (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0))))
    (select (local.get 1) (local.get 0) (i32.gt_u (local.get 1) (local.get 0))))
)
