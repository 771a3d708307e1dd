;; Small functions whose machine code is pinned by golden listings.
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "add_const") (param i64) (result i64) (i64.add (local.get 0) (i64.const 7)))
  (func (export "lt") (param i32 i32) (result i32) (i32.lt_s (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "fadd") (param f64 f64) (result f64) (f64.add (local.get 0) (local.get 1)))
)
