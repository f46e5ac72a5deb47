;; Data movement around the kernels of a training step, one module. Pointers are byte offsets into
;; the memory of tfjs-backend-wasm; sizes are multiples of 4 bytes; sources and destinations do not
;; overlap. Every bit is kept (float32 or int32).
;;
;; swapLastAxes: transposes each of `count` row-major matrices x [rows, cols] of 4-byte elements (one
;; after the other) to out [cols, rows],
;; as 4x4 blocks of SIMD loads, shuffles and stores, columns taken in tiles of 32 so that the 32 output
;; rows being written and the 4 input rows being read stay in the L1 cache. The last rows % 4 rows and
;; cols % 4 columns are copied one element at a time.
;;
;; padRows: copies `rows` rows of `rowBytes` bytes each from `from` into `to`, each row after `before`
;; zero bytes and followed by `after` zero bytes (a zero padding in width: rows of an NHWC image), 16
;; bytes at a time, then 4.
(module
  (import "env" "memory" (memory 0))
  ;; out[c, r] = x[r, c] for r in [r0, r1), c in [c0, c1), one element at a time.
  (func $elements (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (param $r0 i32) (param $r1 i32) (param $c0 i32) (param $c1 i32)
    (local $r i32) (local $c i32)
    (local.set $r (local.get $r0))
    (block $rowsDone (loop $rowNext
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $r1)))
      (local.set $c (local.get $c0))
      (block $colsDone (loop $colNext
        (br_if $colsDone (i32.ge_u (local.get $c) (local.get $c1)))
        (i32.store
          (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
          (i32.load (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $colNext)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowNext))))
  (func $matrix (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $rows4 i32) (local $cols4 i32) (local $inStride i32) (local $outStride i32)
    (local $c0 i32) (local $cEnd i32) (local $r i32) (local $c i32) (local $src i32) (local $dst i32)
    (local $a v128) (local $b v128) (local $e v128) (local $d v128) (local $t0 v128) (local $t1 v128)
    (local $t2 v128) (local $t3 v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $inStride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $outStride (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $c0 (i32.const 0))
    (block $tilesDone (loop $tileNext
      (br_if $tilesDone (i32.ge_u (local.get $c0) (local.get $cols4)))
      (local.set $cEnd (select (local.get $cols4) (i32.add (local.get $c0) (i32.const 32))
        (i32.lt_u (local.get $cols4) (i32.add (local.get $c0) (i32.const 32)))))
      (local.set $r (i32.const 0))
      (block $bandsDone (loop $bandNext
        (br_if $bandsDone (i32.ge_u (local.get $r) (local.get $rows4)))
        (local.set $src (i32.add (local.get $x)
          (i32.add (i32.mul (local.get $r) (local.get $inStride)) (i32.shl (local.get $c0) (i32.const 2)))))
        (local.set $dst (i32.add (local.get $out)
          (i32.add (i32.mul (local.get $c0) (local.get $outStride)) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $c (local.get $c0))
        (block $blocksDone (loop $blockNext
          (br_if $blocksDone (i32.ge_u (local.get $c) (local.get $cEnd)))
          ;; rows a, b, e, d of the block: a = [a0 a1 a2 a3] ...
          (local.set $a (v128.load (local.get $src)))
          (local.set $b (v128.load (i32.add (local.get $src) (local.get $inStride))))
          (local.set $e (v128.load (i32.add (local.get $src) (i32.shl (local.get $inStride) (i32.const 1)))))
          (local.set $d (v128.load (i32.add (local.get $src) (i32.mul (local.get $inStride) (i32.const 3)))))
          ;; t0 = [a0 b0 a1 b1], t1 = [a2 b2 a3 b3], t2 = [e0 d0 e1 d1], t3 = [e2 d2 e3 d3]
          (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
          (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
          (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $e) (local.get $d)))
          (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $e) (local.get $d)))
          ;; output rows c..c+3: [a0 b0 e0 d0], [a1 b1 e1 d1], [a2 b2 e2 d2], [a3 b3 e3 d3]
          (v128.store (local.get $dst)
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
          (v128.store (i32.add (local.get $dst) (local.get $outStride))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
          (v128.store (i32.add (local.get $dst) (i32.shl (local.get $outStride) (i32.const 1)))
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
          (v128.store (i32.add (local.get $dst) (i32.mul (local.get $outStride) (i32.const 3)))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
          (local.set $src (i32.add (local.get $src) (i32.const 16)))
          (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $outStride) (i32.const 2))))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br $blockNext)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $bandNext)))
      (local.set $c0 (local.get $cEnd))
      (br $tileNext)))
    ;; The last cols % 4 columns of the first rows4 rows, then the last rows % 4 rows whole.
    (call $elements (local.get $x) (local.get $out) (local.get $rows) (local.get $cols)
      (i32.const 0) (local.get $rows4) (local.get $cols4) (local.get $cols))
    (call $elements (local.get $x) (local.get $out) (local.get $rows) (local.get $cols)
      (local.get $rows4) (local.get $rows) (i32.const 0) (local.get $cols)))

  ;; `count` matrices one after the other (a batch [count, rows, cols]): one call from JavaScript for
  ;; all of them, so that many small matrices do not pay a call each.
  (func (export "swapLastAxes") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (param $count i32)
    (local $bytes i32)
    (local.set $bytes (i32.shl (i32.mul (local.get $rows) (local.get $cols)) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $count)))
      (call $matrix (local.get $x) (local.get $out) (local.get $rows) (local.get $cols))
      (local.set $x (i32.add (local.get $x) (local.get $bytes)))
      (local.set $out (i32.add (local.get $out) (local.get $bytes)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br $next))))

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
