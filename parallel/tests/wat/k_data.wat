;; Breaks a kernel rule: an active data segment into the imported memory
;; would overwrite the caller's data at every instantiation.
(module
  (import "env" "memory" (memory 2 65536 shared))
  (data (i32.const 16) "clobber")
  (func (export "kernel") (param i32 i32 i32 i32 i32)))
