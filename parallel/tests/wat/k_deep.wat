;; Recursion as deep as word 0 of its one buffer says; rec(depth) (= depth)
;; goes to word 1. A depth of 2^32 - 1 recurses until the stack budget ends it.
(module
  (import "env" "memory" (memory 2 65536 shared))
  (func $rec (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (call $rec (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  (func (export "kernel") (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (i32.store offset=4 (local.get $ptr) (call $rec (i32.load (local.get $ptr))))))
