;; A memory (1 page, at most 10) and a funcref table (1 element, at most 100)
;; that the tests grow from Wasm and from the host up to a store's limits.
(module
  (memory (export "memory") 1 10)
  (table (export "table") 1 100 funcref)
  (func (export "grow_memory") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "memory_size") (result i32) (memory.size))
  (func (export "grow_table") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0)))
  (func (export "table_size") (result i32) (table.size 0)))
