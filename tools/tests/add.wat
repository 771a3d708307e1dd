(module
  (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  (func (export "fma") (param f64 f64 f64) (result f64)
    local.get 0 local.get 1 f64.mul local.get 2 f64.add)
  (func (export "pair") (param i64) (result i64 i32)
    local.get 0 i64.const 1 i64.add i32.const -1))
