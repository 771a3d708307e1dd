;; Breaks a kernel rule: `kernel` returns a value.
(module
  (import "env" "memory" (memory 2 65536 shared))
  (func (export "kernel") (param i32 i32 i32 i32 i32) (result i32) (local.get 0)))
