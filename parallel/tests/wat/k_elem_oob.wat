;; Passes the kernel rules but cannot be instantiated: its element segment
;; lies outside its table (the device fails to set the kernel up).
(module
  (import "env" "memory" (memory 2 65536 shared))
  (table 1 funcref)
  (func $f)
  (elem (i32.const 5) $f)
  (func (export "kernel") (param i32 i32 i32 i32 i32)))
