;; Breaks a kernel rule: a start function (what wasm-ld emits to copy a
;; shared-memory module's data) would run in every worker.
(module
  (import "env" "memory" (memory 2 65536 shared))
  (func $init (i32.store (i32.const 16) (i32.const 7)))
  (start $init)
  (func (export "kernel") (param i32 i32 i32 i32 i32)))
