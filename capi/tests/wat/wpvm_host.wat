;; For wpvm_ext.c: a host import, an export computed with it, a _start of
;; the wrong type for wpvm_wasi_run.
(module
  (import "host" "double" (func $double (param i32) (result i32)))
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  ;; double(fib(n)) + 1
  (func (export "compute") (param i32) (result i32)
    (i32.add (call $double (call $fib (local.get 0))) (i32.const 1)))
  (func (export "_start") (param i32)))
