;; Atomics whose machine code is pinned by golden listings: lock xadd, a
;; lock cmpxchg retry loop (rmw.or), the single lock or of an rmw.or whose
;; old value is dropped, and a narrow cmpxchg.
(module
  (memory 1 1 shared)
  (func (export "rmw_add") (param i32 i32) (result i32) (i32.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "rmw_or") (param i32 i64) (result i64) (i64.atomic.rmw.or offset=8 (local.get 0) (local.get 1)))
  (func (export "rmw_or_dropped") (param i32 i32) (drop (i32.atomic.rmw.or (local.get 0) (local.get 1))))
  (func (export "cmpxchg8") (param i32 i32 i32) (result i32)
    (i32.atomic.rmw8.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
)
