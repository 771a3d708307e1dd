;; Does nothing with its one buffer: any number of iterations stays in
;; bounds (test_interrupt.cpp launches 2^32 - 1 of them).
(module
  (import "env" "memory" (memory 2 65536 shared))
  (func (export "kernel") (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)))
