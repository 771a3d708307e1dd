;; A table of 2^32-1 elements: 32 GiB if the host allocated it up front.
(module
  (table (export "huge") 4294967295 funcref))
