;; Only a table (no memory): counts tables apart from memories.
(module
  (table 1 funcref))
