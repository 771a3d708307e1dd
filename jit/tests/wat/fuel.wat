;; Fuel and epoch interruption on every tier (test_fuel.cpp): the same
;; programs must leave the same fuel on the interpreter and the JIT.
(module
  (import "env" "refuel" (func $refuel))
  (import "env" "peek" (func $peek (result i64)))
  ;; another instance's function (fuel_other.wat)
  (import "other" "work" (func $other_work (param i32) (result i32)))
  (memory 1)
  (table 4 funcref)
  (elem (i32.const 0) $inc $dbl $v128_inc $other_work)
  (type $un (func (param i32) (result i32)))

  ;; 3 units: two constants and an add
  (func (export "three") (result i32) (i32.add (i32.const 1) (i32.const 2)))
  ;; free instructions only cost their operands: nop, drop, block, end
  (func (export "free") (nop) (block (nop) (drop (i32.const 7))) (nop))
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1)))
  ;; runs in the interpreter on the JIT tier too (v128)
  (func $v128_inc (param i32) (result i32)
    (i32x4.extract_lane 0 (i32x4.add (i32x4.splat (local.get 0)) (v128.const i32x4 1 1 1 1))))
  ;; sum of 0..n-1: a loop, a br_if, locals
  (func (export "sum") (param i32) (result i32) (local i32 i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
        (local.set 2 (i32.add (local.get 2) (local.get 1)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br $next)))
    (local.get 2))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  ;; n rounds of call_indirect through the table, br_table, if/else
  (func (export "mix") (param i32) (result i32) (local i32 i32)
    (loop $next
      (local.set 2
        (call_indirect (type $un) (local.get 2) (i32.rem_u (local.get 1) (i32.const 3))))
      (block $b2 (block $b1 (block $b0
        (br_table $b0 $b1 $b2 (i32.and (local.get 1) (i32.const 3))))
        (local.set 2 (i32.add (local.get 2) (i32.const 5))))
        (local.set 2 (i32.xor (local.get 2) (i32.const 3))))
      (if (i32.and (local.get 2) (i32.const 1))
        (then (local.set 2 (i32.add (local.get 2) (i32.const 1))))
        (else (nop)))
      (br_if $next (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0))))
    (local.get 2))
  ;; a dispatch loop: a br_table back to the loop's header and to cases that
  ;; branch back, an if without else, a br_if out carrying a value
  (func (export "dispatch") (param i32) (result i32) (local i32)
    (block $out (result i32)
      (loop $next
        (drop (br_if $out (local.get 1) (i32.eqz (local.get 0))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (if (i32.and (local.get 0) (i32.const 4))
          (then (local.set 1 (i32.add (local.get 1) (i32.const 7)))))
        (block $b1
          (block $b0
            (br_table $next $b0 $b1 (i32.rem_u (local.get 0) (i32.const 3))))
          (local.set 1 (i32.xor (local.get 1) (i32.const 5)))
          (br $next))
        (local.set 1 (i32.add (local.get 1) (i32.const 2)))
        (br $next))
      (unreachable)))
  ;; traps mid-way: n iterations of work, then divides by zero
  (func (export "trap_late") (param i32) (result i32) (local i32)
    (loop $next
      (local.set 1 (i32.add (local.get 1) (i32.const 3)))
      (br_if $next (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (i32.div_u (local.get 1) (i32.const 0)))
  ;; memory work
  (func (export "fill") (param i32) (local i32)
    (loop $next
      (i32.store (i32.shl (local.get 1) (i32.const 2)) (local.get 1))
      (br_if $next (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0)))))
  ;; n calls of the host function that adds fuel
  (func (export "refuel_loop") (param i32)
    (loop $next
      (call $refuel)
      (br_if $next (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
  ;; what a host function sees of the fuel left
  (func (export "peek") (result i64) (i64.add (call $peek) (i64.const 0)))
;; many busy integer locals (every pin register taken) calling a function
  ;; with as many, and adding up what the host sees of the fuel each round
  (func $busy (param i32) (result i32) (local i32 i32 i32 i32)
    (local.set 1 (i32.add (local.get 0) (i32.const 1)))
    (local.set 2 (i32.mul (local.get 1) (local.get 1)))
    (local.set 3 (i32.xor (local.get 2) (local.get 1)))
    (local.set 4 (i32.add (local.get 3) (local.get 2)))
    (i32.add (local.get 4) (local.get 0)))
  (func (export "pins") (param i32) (result i64) (local i32 i32 i32 i64)
    (loop $next
      (local.set 1 (call $busy (local.get 0)))
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (local.set 3 (i32.xor (local.get 3) (local.get 2)))
      (local.set 4 (i64.add (local.get 4) (call $peek)))
      (br_if $next (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (i64.add (local.get 4) (i64.extend_i32_u (i32.add (local.get 2) (local.get 3)))))
  ;; a loop whose callee traps in its last round (100 / (n - 3)): a native
  ;; callee, one run by the interpreter (v128), one of another instance
  ;; reached by call_indirect (which also asks the host for the fuel left)
  (func $div (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func $v128_div (param i32 i32) (result i32)
    (i32.div_u (i32x4.extract_lane 0 (i32x4.splat (local.get 0))) (local.get 1)))
  (func (export "trap_callee") (param i32) (result i32) (local i32)
    (loop $next
      (local.set 1 (i32.add (local.get 1) (call $div (i32.const 100) (i32.sub (local.get 0) (i32.const 3)))))
      (br_if $next (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))
  (func (export "trap_interp") (param i32) (result i32) (local i32)
    (loop $next
      (local.set 1 (i32.add (local.get 1) (call $v128_div (i32.const 100) (i32.sub (local.get 0) (i32.const 3)))))
      (br_if $next (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))
  (func (export "cross") (param i32) (result i32) (local i32)
    (loop $next
      (local.set 1 (i32.add (local.get 1)
        (call_indirect (type $un) (i32.sub (local.get 0) (i32.const 3)) (i32.const 3))))
      (br_if $next (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))
  ;; never returns
  (func (export "spin") (loop $l (br $l)))
  (func $rec (export "spin_rec") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $rec (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.const 0))))
)
