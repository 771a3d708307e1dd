;; A start function that traps makes instantiation fail.
(module
  (func $start unreachable)
  (start $start))
