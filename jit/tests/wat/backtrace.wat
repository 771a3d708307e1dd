;; Three-deep call chains that trap at the bottom in different ways, for the
;; backtrace tests (function indices are fixed by the order below).
(module
  (import "env" "host_trap" (func $host_trap))          ;; 0
  (memory 1)
  (func $bottom (param i32) (result i32)                ;; 1
    (if (i32.eqz (local.get 0)) (then unreachable))
    (i32.load (local.get 0)))
  (func $middle (param i32) (result i32)                ;; 2
    (i32.add (call $bottom (local.get 0)) (i32.const 1)))
  (func $top (export "top") (param i32) (result i32)    ;; 3
    (call $middle (local.get 0)))
  (func $fill_bottom (param i32)                        ;; 4
    (memory.fill (local.get 0) (i32.const 0) (i32.const 16)))
  (func $fill_middle (param i32)                        ;; 5
    (call $fill_bottom (local.get 0)))
  (func $fill_top (export "fill_top") (param i32)       ;; 6
    (call $fill_middle (local.get 0)))
  (func $host_middle                                    ;; 7
    (call $host_trap))
  (func $host_top (export "host_top")                   ;; 8
    (call $host_middle))
  ;; The test has the JIT leave this one to the interpreter (jit::set_refused_functions):
  ;; native -> interpreter -> native
  (func $interp_middle (param i32) (result i32)         ;; 9
    (drop (v128.const i32x4 0 0 0 0))
    (call $bottom (local.get 0)))
  (func $mixed_top (export "mixed_top") (param i32) (result i32)  ;; 10
    (call $interp_middle (local.get 0)))
)
