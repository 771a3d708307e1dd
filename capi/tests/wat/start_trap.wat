;; A start function that traps, for wpvm_ext.c.
(module
  (func $start unreachable)
  (start $start))
