;; A kernel with a 5,000,000-element table (within the engine's limit) of
;; which it uses one entry: tables are allocated lazily, so each worker's
;; instance costs address space, not memory. Iteration id stores
;; call_indirect(5,000,000 - 1)() + id at word id.
(module
  (import "env" "memory" (memory 2 65536 shared))
  (type $seven (func (result i32)))
  (table 5000000 funcref)
  (elem (i32.const 4999999) $f)
  (func $f (result i32) (i32.const 7))
  (func (export "kernel") (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $id) (i32.const 2)))
      (i32.add (call_indirect (type $seven) (i32.const 4999999)) (local.get $id)))))
