;; Traps at known instructions, for the frame offset tests both tiers run
;; (frame_offsets.h, which lists the instructions' offsets). Function
;; indices are fixed by the order below.
(module
  (type $t (func (param i32) (result i32)))
  (import "env" "host_trap" (func $host_trap))      ;; 0
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $unreachable $div)
  (func $unreachable (export "unreachable") (type $t)  ;; 1
    unreachable)
  (func $load (export "load") (type $t)                ;; 2
    local.get 0
    i32.load offset=4)
  ;; The JIT folds this load into the add: the add's access faults.
  (func $fold (export "fold") (type $t)                ;; 3
    local.get 0
    local.get 0
    i32.load offset=8
    i32.add)
  (func $div (export "div") (type $t)                  ;; 4
    i32.const 7
    local.get 0
    i32.div_u)
  (func $middle (type $t)                              ;; 5
    (local i64)
    local.get 0
    call $load
    i32.const 1
    i32.add)
  (func $two_deep (export "two_deep") (type $t)        ;; 6
    nop
    local.get 0
    call $middle)
  ;; table[0] = $unreachable, table[1] = $div
  (func $indirect (export "indirect") (type $t)        ;; 7
    i32.const 0
    local.get 0
    call_indirect (type $t))
  (func $host (export "host") (type $t)                ;; 8
    call $host_trap
    local.get 0)
  ;; The interpreter folds the add into the load (one instruction).
  (func $sum_load (export "sum_load") (type $t)        ;; 9
    local.get 0
    i32.const 4
    i32.add
    i32.load)
)
