;; A tiny "game" guest for examples/game_host.cpp: the host calls update()
;; once per frame. The guest reads the input through a host function, moves
;; its player, draws it through another host function and keeps its state
;; (x, y, score) in its memory, where the host reads it. On frame 3 it hits a
;; bug (an out-of-bounds store): that frame traps, the next ones go on.
(module
  (import "env" "input" (func $input (result i32)))           ;; bit 0: right, bit 1: down
  (import "env" "draw" (func $draw (param i32 i32 i32)))      ;; x, y, sprite
  (memory (export "memory") 1)
  (global $frame (mut i32) (i32.const 0))

  ;; state: x at 0, y at 4, score at 8
  (func (export "update") (param $dt f32)
    (local $keys i32)
    (global.set $frame (i32.add (global.get $frame) (i32.const 1)))
    (local.set $keys (call $input))
    (if (i32.and (local.get $keys) (i32.const 1))
      (then (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))))
    (if (i32.and (local.get $keys) (i32.const 2))
      (then (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (i32.const 1)))))
    ;; score += 10 * dt, rounded towards zero
    (i32.store (i32.const 8)
      (i32.add (i32.load (i32.const 8)) (i32.trunc_f32_s (f32.mul (local.get $dt) (f32.const 10)))))
    (if (i32.eq (global.get $frame) (i32.const 3))
      (then (i32.store (i32.const 0x7fffffff) (i32.const 1))))  ;; the bug
    (call $draw (i32.load (i32.const 0)) (i32.load (i32.const 4)) (i32.const 7)))
)
