;; Only "run" can be referenced from outside; the others are reached only by
;; calls, so an instance makes their FuncImpls only if a tier needs them (the
;; interpreter, on its first call of each; native code never).
(module
  (func $a (result i32) (i32.add (call $b) (i32.const 1)))
  (func $b (result i32) (i32.add (call $c) (i32.const 10)))
  (func $c (result i32) (i32.const 100))
  (func $unused (result i32) (i32.const 5))
  (func (export "run") (result i32) (call $a)))
