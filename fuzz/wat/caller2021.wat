;; The parallel harness's 2021-generation caller: imports parallel_for (so
;; its get_device hints use the 2021 enum) and re-exports the five functions.
;; Its kernels are entries of its exported table: 0 is null, 1 marks its
;; iteration (k_trivial's body), 2 sums blocks (k_sum's), 3 traps in
;; iteration 5, 4 loops for ever, 5 is not kernel-shaped. The kernels bump
;; a mutable global, so that the workers' copies matter.
(module
  (import "wasi_ephemeral_parallel" "get_device" (func $get_device (param i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "create_buffer" (func $create_buffer (param i32 i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "write_buffer" (func $write_buffer (param i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "read_buffer" (func $read_buffer (param i32 i32 i32) (result i32)))
  (import "wasi_ephemeral_parallel" "parallel_for"
    (func $parallel_for (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 4 64)
  (global $g (mut i32) (i32.const 0))
  (table (export "__indirect_function_table") 6 funcref)
  (elem (i32.const 1) $mark $sum $trap $spin $not_a_kernel)
  (func $mark (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $id) (i32.const 2)))
      (i32.add (local.get $id) (global.get $g))))
  (func $sum (param $id i32) (param $n i32) (param $bs i32)
        (param $in i32) (param $in_len i32) (param $out i32) (param $out_len i32)
    (local $i i32) (local $end i32) (local $sum i32)
    (local.set $i (i32.mul (local.get $id) (local.get $bs)))
    (local.set $end (i32.add (local.get $i) (local.get $bs)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (br_if $done (i32.ge_u (i32.shl (local.get $i) (i32.const 2)) (local.get $in_len)))
        (local.set $sum (i32.add (local.get $sum)
          (i32.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store (i32.add (local.get $out) (i32.shl (local.get $id) (i32.const 2))) (local.get $sum)))
  (func $trap (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (drop (i32.div_u (i32.const 1) (i32.sub (local.get $id) (i32.const 5)))))
  (func $spin (param $id i32) (param $n i32) (param $bs i32) (param $ptr i32) (param $len i32)
    (loop $l (br $l)))
  (func $not_a_kernel (param i32) (result i32) (local.get 0))
  (func (export "get_device") (param i32 i32) (result i32)
    (call $get_device (local.get 0) (local.get 1)))
  (func (export "create_buffer") (param i32 i32 i32 i32) (result i32)
    (call $create_buffer (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "write_buffer") (param i32 i32 i32) (result i32)
    (call $write_buffer (local.get 0) (local.get 1) (local.get 2)))
  (func (export "read_buffer") (param i32 i32 i32) (result i32)
    (call $read_buffer (local.get 0) (local.get 1) (local.get 2)))
  (func (export "parallel_for") (param i32 i32 i32 i32 i32 i32 i32) (result i32)
    (call $parallel_for (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
      (local.get 5) (local.get 6))))
