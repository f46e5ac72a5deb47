;; Copies `rows` rows of `rowBytes` bytes each from `from` into `to`, each row after `before` zero
;; bytes and followed by `after` zero bytes (a zero padding in width: rows of an NHWC image). Rows are
;; copied 16 bytes at a time, then 4; every size is a multiple of 4 bytes. Pointers are byte offsets
;; into the memory of tfjs-backend-wasm; the two regions do not overlap.
(module
  (import "env" "memory" (memory 0))
  ;; `bytes` zero bytes at `to` (a multiple of 4); returns the address just past them.
  (func $zeros (param $to i32) (param $bytes i32) (result i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $to) (local.get $bytes)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $to) (local.get $end)))
      (i32.store (local.get $to) (i32.const 0))
      (local.set $to (i32.add (local.get $to) (i32.const 4)))
      (br $next)))
    (local.get $end))
  (func (export "padRows") (param $from i32) (param $to i32) (param $rows i32) (param $rowBytes i32)
    (param $before i32) (param $after i32)
    (local $r i32) (local $end i32) (local $vecEnd i32)
    (block $rowsDone (loop $rowNext
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $to (call $zeros (local.get $to) (local.get $before)))
      (local.set $end (i32.add (local.get $from) (local.get $rowBytes)))
      (local.set $vecEnd (i32.add (local.get $from) (i32.and (local.get $rowBytes) (i32.const -16))))
      (block $vecDone (loop $vecNext
        (br_if $vecDone (i32.ge_u (local.get $from) (local.get $vecEnd)))
        (v128.store (local.get $to) (v128.load (local.get $from)))
        (local.set $from (i32.add (local.get $from) (i32.const 16)))
        (local.set $to (i32.add (local.get $to) (i32.const 16)))
        (br $vecNext)))
      (block $tailDone (loop $tailNext
        (br_if $tailDone (i32.ge_u (local.get $from) (local.get $end)))
        (i32.store (local.get $to) (i32.load (local.get $from)))
        (local.set $from (i32.add (local.get $from) (i32.const 4)))
        (local.set $to (i32.add (local.get $to) (i32.const 4)))
        (br $tailNext)))
      (local.set $to (call $zeros (local.get $to) (local.get $after)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowNext)))))
