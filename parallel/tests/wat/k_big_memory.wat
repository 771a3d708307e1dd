;; A kernel whose memory import needs more pages than the caller has.
(module
  (import "env" "memory" (memory 4096 65536 shared))
  (func (export "kernel") (param i32 i32 i32 i32 i32)))
