;; A large sparse table driven through every table instruction; the tests
;; (test_tables.cpp) run the same sequence on both tiers.
(module
  (type $r (func (result i32)))
  (table $t (export "t") 5000000 funcref)
  (elem $seg func $one $two $three)
  (elem (table $t) (i32.const 4000000) func $one)
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (func $three (result i32) (i32.const 3))
  (func (export "call") (param i32) (result i32) (call_indirect $t (type $r) (local.get 0)))
  (func (export "is_null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  ;; t[dst] = t[src]
  (func (export "set") (param $dst i32) (param $src i32)
    (table.set $t (local.get $dst) (table.get $t (local.get $src))))
  ;; t[dst, dst+n) = t[src]
  (func (export "fill") (param $dst i32) (param $src i32) (param $n i32)
    (table.fill $t (local.get $dst) (table.get $t (local.get $src)) (local.get $n)))
  (func (export "copy") (param $dst i32) (param $src i32) (param $n i32)
    (table.copy $t $t (local.get $dst) (local.get $src) (local.get $n)))
  (func (export "init") (param $dst i32) (param $src i32) (param $n i32)
    (table.init $t $seg (local.get $dst) (local.get $src) (local.get $n)))
  (func (export "size") (result i32) (table.size $t))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "grow_with") (param $src i32) (param $n i32) (result i32)
    (table.grow $t (table.get $t (local.get $src)) (local.get $n))))
