;; Grows an imported shared memory (another thread's store's, through an alias).
(module
  (import "env" "memory" (memory 1 10 shared))
  (func (export "grow_memory") (param i32) (result i32) (memory.grow (local.get 0))))
