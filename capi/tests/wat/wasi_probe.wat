;; A WASI command for wpvm_ext.c that shows what it was given: the name of
;; its first preopened directory and that directory's in.txt on stdout, then
;; its stdin on stdout, "to stderr" on stderr, and proc_exit(3).
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $prestat_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: iovec, 8: count, 16: prestat, 24: opened fd, 32: path, 64: newline,
  ;; 72: stderr text, 128: directory name, 1024: buffer
  (data (i32.const 32) "in.txt")
  (data (i32.const 64) "\n")
  (data (i32.const 72) "to stderr\n")

  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))

  ;; Copies fd to stdout until its end or an error.
  (func $copy (param $fd i32)
    (loop $more
      (i32.store (i32.const 0) (i32.const 1024))
      (i32.store (i32.const 4) (i32.const 4096))
      (if (i32.eqz (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
        (then
          (if (i32.load (i32.const 8))
            (then
              (call $write (i32.const 1) (i32.const 1024) (i32.load (i32.const 8)))
              (br $more)))))))

  (func (export "_start")
    (if (i32.eqz (call $prestat_get (i32.const 3) (i32.const 16)))
      (then
        (drop (call $prestat_name (i32.const 3) (i32.const 128) (i32.load (i32.const 20))))
        (call $write (i32.const 1) (i32.const 128) (i32.load (i32.const 20)))
        (call $write (i32.const 1) (i32.const 64) (i32.const 1))
        ;; in.txt, for reading (rights: fd_read)
        (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 32) (i32.const 6) (i32.const 0)
                                      (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 24)))
          (then (call $copy (i32.load (i32.const 24)))))))
    (call $copy (i32.const 0))
    (call $write (i32.const 2) (i32.const 72) (i32.const 10))
    (call $proc_exit (i32.const 3))))
