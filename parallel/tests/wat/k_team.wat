;; Counts the workers that take part in a call (team_size.c): a worker's
;; first iteration of the call (its global $joined is 0: every call starts
;; from the initial globals) adds 1 to word 0 of the buffer. Every iteration
;; then waits until word 0 reaches word 1 (the team size expected), for at
;; most word 2 turns of a spin loop; one that gives up sets word 3, and the
;; iterations after it do not wait at all.
(module
  (import "env" "memory" (memory 2 65536 shared))
  (global $joined (mut i32) (i32.const 0))
  (func (export "kernel") (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (local $spin i32)
    (if (i32.eqz (global.get $joined))
      (then
        (global.set $joined (i32.const 1))
        (drop (i32.atomic.rmw.add (local.get $ptr) (i32.const 1)))))
    (local.set $spin (i32.load offset=8 (local.get $ptr)))
    (block $done
      (loop $wait
        (br_if $done (i32.atomic.load offset=12 (local.get $ptr)))
        (br_if $done (i32.ge_u (i32.atomic.load (local.get $ptr)) (i32.load offset=4 (local.get $ptr))))
        (if (i32.eqz (local.get $spin))
          (then
            (i32.atomic.store offset=12 (local.get $ptr) (i32.const 1))
            (br $done)))
        (local.set $spin (i32.sub (local.get $spin) (i32.const 1)))
        (br $wait)))))
