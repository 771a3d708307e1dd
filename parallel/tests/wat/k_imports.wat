;; Breaks a kernel rule: it imports a function besides its memory.
(module
  (import "env" "memory" (memory 2 65536 shared))
  (import "env" "log" (func $log (param i32)))
  (func (export "kernel") (param i32 i32 i32 i32 i32) (call $log (local.get 0))))
