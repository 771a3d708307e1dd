;; Sum reduction, first step: iteration id adds the i32 elements of its block
;; [id*bs, (id+1)*bs) of the input and writes the partial into partials[id].
(module
  (import "env" "memory" (memory 2 65536 shared))
  (func (export "kernel") (param $id i32) (param $n i32) (param $bs i32)
        (param $in i32) (param $in_len i32) (param $out i32) (param $out_len i32)
    (local $i i32) (local $end i32) (local $sum i32)
    (local.set $i (i32.mul (local.get $id) (local.get $bs)))
    (local.set $end (i32.add (local.get $i) (local.get $bs)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (br_if $done (i32.ge_u (i32.shl (local.get $i) (i32.const 2)) (local.get $in_len)))
        (local.set $sum (i32.add (local.get $sum)
          (i32.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store (i32.add (local.get $out) (i32.shl (local.get $id) (i32.const 2))) (local.get $sum))))
