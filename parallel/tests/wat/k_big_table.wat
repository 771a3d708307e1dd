;; A kernel declaring a table of 2^32-1 elements: beyond the engine's table
;; limit (EngineConfig::max_table_elements), so invalid_kernel, never an
;; allocation that exhausts or aborts the host.
(module
  (import "env" "memory" (memory 2 65536 shared))
  (table 4294967295 funcref)
  (func (export "kernel") (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)))
