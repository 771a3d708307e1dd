;; Initial sizes above the tests' limits: a memory of 4 pages, a table of 50.
(module
  (memory (export "memory") 4)
  (table (export "table") 50 funcref))
