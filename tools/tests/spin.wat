;; Guests that run too long, too deep or too big, for --fuel, --timeout,
;; the stack budget and the resource limits.
(module
  (memory 1)
  (table 10 funcref)
  ;; memory.grow / table.grow by n: the old size, or -1.
  (func (export "grow") (param $n i32) (result i32)
    (memory.grow (local.get $n)))
  (func (export "table_grow") (param $n i32) (result i32)
    (table.grow 0 (ref.null func) (local.get $n)))
  ;; Never returns.
  (func (export "spin")
    (loop $l (br $l)))
  ;; Counts down from n; returns n.
  (func (export "count") (param $n i32) (result i32)
    (local $i i32)
    (local.set $i (local.get $n))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $n))
  ;; Recurses until the stack budget runs out.
  (func $down (export "down") (param $n i32) (result i32)
    (i32.add (call $down (i32.add (local.get $n) (i32.const 1))) (i32.const 1))))
