;; Sums over the leading axis: out[c] = sum over r of x[r, c], for x [rows, cols] row-major, rows
;; added in order (the bias gradient of a dense or convolution layer, a batch statistic). out sits in
;; the L1 cache while x streams past it once. Any cols (the last cols % 4 one at a time); rows >= 0.
;; Pointers are byte offsets into the memory of tfjs-backend-wasm.
(module
  (import "env" "memory" (memory 0))
  (func (export "columnSums") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $p i32) (local $o i32) (local $vecEnd i32) (local $rowEnd i32) (local $end i32)
    ;; out = 0
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.mul (local.get $rows) (local.get $cols)) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $out) (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2))))
    (local.set $rowEnd (i32.add (local.get $out) (i32.shl (local.get $cols) (i32.const 2))))
    (block $rowsDone (loop $rowNext
      (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $o (local.get $out))
      (block $vecDone (loop $vecNext
        (br_if $vecDone (i32.ge_u (local.get $o) (local.get $vecEnd)))
        (v128.store (local.get $o) (f32x4.add (v128.load (local.get $o)) (v128.load (local.get $p))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $vecNext)))
      (block $tailDone (loop $tailNext
        (br_if $tailDone (i32.ge_u (local.get $o) (local.get $rowEnd)))
        (f32.store (local.get $o) (f32.add (f32.load (local.get $o)) (f32.load (local.get $p))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tailNext)))
      (br $rowNext))))

  ;; The same sums for cols a multiple of 8 (few columns: a convolution's 8 or 16 channels), 8 columns
  ;; at a time in two registers over all rows: no store and reload of out per row, which bounded the
  ;; loop above where rows are short. Each out[c] adds the rows in the same order from 0: the same bits.
  (func (export "columnSumsNarrow") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $g i32) (local $p i32) (local $end i32) (local $stride i32) (local $acc0 v128) (local $acc1 v128)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (block $groupsDone (loop $groupNext
      (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $cols)))
      (local.set $p (i32.add (local.get $x) (i32.shl (local.get $g) (i32.const 2))))
      (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $stride))))
      (local.set $acc0 (v128.const i32x4 0 0 0 0))
      (local.set $acc1 (v128.const i32x4 0 0 0 0))
      (block $rowsDone (loop $rowNext
        (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $acc0 (f32x4.add (local.get $acc0) (v128.load (local.get $p))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (v128.load offset=16 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (br $rowNext)))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $g) (i32.const 2))) (local.get $acc0))
      (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $g) (i32.const 2))) (local.get $acc1))
      (local.set $g (i32.add (local.get $g) (i32.const 8)))
      (br $groupNext)))))
