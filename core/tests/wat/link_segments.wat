;; Instantiation order: the first data segment lands in the imported memory
;; before the second one traps out of bounds.
(module
  (import "env" "memory" (memory 1))
  (data (i32.const 0) "\2a")
  (data (i32.const 65536) "x"))
