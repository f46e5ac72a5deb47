;; The pool's float32 product over lists of each pair of rows' nonzero steps (threads/pool.ts runs
;; pairChunk on every thread; mat-mul-by-threads.ts decides when, by float-zero-skip.ts's rule): the
;; lists per pair of rows of pair-steps.wat, on the pool's shared memory, where op(a) lies as rows and
;; op(b) in packed panels of 8 columns (threaded-mat-mul.wat's packPanels). Pointers are byte offsets
;; into that memory. Each output element is one call's sum over its steps in order, whatever the
;; number of threads: the bits of threaded-mat-mul.wat's dense tile.
(module
  (import "env" "memory" (memory 1 16384 shared))

  ;; @include fragments/pair-steps.wat

  ;; One tile of out[m, n] = a[m, k] . B[k, n] (B in panels of 8 columns: panel q, rows 0..k-1 of
  ;; columns 8q..8q+7, at bp + q*k*32), over pairSteps's lists of a: tile c is rows [i0, i1) and
  ;; columns [j0, j1) as in threaded-mat-mul.wat's matMulChunk, each pair of its rows walking its
  ;; listed steps 2 rows x 16 columns (two panels) at a time, a block of 256 steps at once (16 KB of
  ;; the two panels), out carrying the sums between blocks. Then bias (flags bit 0) and relu (bit 1).
  ;; Needs m, chunkRows even; n, chunkCols % 16 == 0; B all finite (the caller checks: a step passed
  ;; over must be ±0 times a number).
  (func (export "pairChunk") (param $c i32) (param $a i32) (param $bp i32) (param $out i32)
    (param $m i32) (param $k i32) (param $n i32) (param $chunk i32) (param $chunkCols i32) (param $bias i32) (param $flags i32)
    (param $lists i32)
    (local $i0 i32) (local $i1 i32) (local $j0 i32) (local $j1 i32) (local $blocks i32)
    (local $j i32) (local $i i32) (local $lp i32) (local $lEnd i32) (local $idx i32) (local $aRow i32)
    (local $bq i32) (local $bp2 i32) (local $bptr i32) (local $op i32) (local $rowA i32) (local $rowO i32)
    (local $kBlocks i32) (local $kb i32) (local $entry i32) (local $end i32)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $blocks (i32.div_u (i32.add (local.get $m) (i32.sub (local.get $chunk) (i32.const 1))) (local.get $chunk)))
    (local.set $j0 (i32.mul (i32.div_u (local.get $c) (local.get $blocks)) (local.get $chunkCols)))
    (local.set $j1 (i32.add (local.get $j0) (local.get $chunkCols)))
    (if (i32.gt_u (local.get $j1) (local.get $n)) (then (local.set $j1 (local.get $n))))
    (local.set $i0 (i32.mul (i32.rem_u (local.get $c) (local.get $blocks)) (local.get $chunk)))
    (local.set $i1 (i32.add (local.get $i0) (local.get $chunk)))
    (if (i32.gt_u (local.get $i1) (local.get $m)) (then (local.set $i1 (local.get $m))))
    (local.set $rowA (i32.shl (local.get $k) (i32.const 2)))
    (local.set $rowO (i32.shl (local.get $n) (i32.const 2)))
    (local.set $kBlocks (i32.shr_u (i32.add (local.get $k) (i32.const 255)) (i32.const 8)))
    (local.set $j (local.get $j0))
    (block $jDone (loop $jNext
      (br_if $jDone (i32.ge_u (local.get $j) (local.get $j1)))
      ;; panels j/8 and j/8 + 1: j*k floats in, and 8*k further
      (local.set $bq (i32.add (local.get $bp) (i32.shl (i32.mul (local.get $j) (local.get $k)) (i32.const 2))))
      (local.set $bp2 (i32.add (local.get $bq) (i32.shl (local.get $k) (i32.const 5))))
      (local.set $kb (i32.const 0))
      (block $kbDone (loop $kbNext
        (br_if $kbDone (i32.ge_u (local.get $kb) (local.get $kBlocks)))
        (local.set $i (local.get $i0))
        (block $iDone (loop $iNext
          (br_if $iDone (i32.ge_u (local.get $i) (local.get $i1)))
          (local.set $op (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
          (if (i32.eqz (local.get $kb))
            (then
              (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
              (local.set $acc2 (v128.const i32x4 0 0 0 0)) (local.set $acc3 (v128.const i32x4 0 0 0 0))
              (local.set $acc4 (v128.const i32x4 0 0 0 0)) (local.set $acc5 (v128.const i32x4 0 0 0 0))
              (local.set $acc6 (v128.const i32x4 0 0 0 0)) (local.set $acc7 (v128.const i32x4 0 0 0 0)))
            (else
              (local.set $acc0 (v128.load (local.get $op))) (local.set $acc1 (v128.load offset=16 (local.get $op)))
              (local.set $acc2 (v128.load offset=32 (local.get $op))) (local.set $acc3 (v128.load offset=48 (local.get $op)))
              (local.set $acc4 (v128.load (i32.add (local.get $op) (local.get $rowO))))
              (local.set $acc5 (v128.load offset=16 (i32.add (local.get $op) (local.get $rowO))))
              (local.set $acc6 (v128.load offset=32 (i32.add (local.get $op) (local.get $rowO))))
              (local.set $acc7 (v128.load offset=48 (i32.add (local.get $op) (local.get $rowO))))))
          ;; pair i/2's steps of block kb
          (local.set $entry (i32.add (local.get $lists) (i32.shl (i32.add (i32.mul (i32.shr_u (local.get $i) (i32.const 1))
            (local.get $kBlocks)) (local.get $kb)) (i32.const 2))))
          (local.set $lp (i32.load (local.get $entry)))
          (local.set $lEnd (i32.load offset=4 (local.get $entry)))
          (local.set $aRow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowA))))
          (if (i32.lt_u (local.get $lp) (local.get $lEnd)) (then (loop $lNext
            (local.set $idx (i32.load (local.get $lp)))
            ;; row p of a panel: 32 bytes, 8 times the step's byte offset p * 4
            (local.set $bptr (i32.shl (local.get $idx) (i32.const 3)))
            (local.set $b0 (v128.load (i32.add (local.get $bq) (local.get $bptr))))
            (local.set $b1 (v128.load offset=16 (i32.add (local.get $bq) (local.get $bptr))))
            (local.set $b2 (v128.load (i32.add (local.get $bp2) (local.get $bptr))))
            (local.set $b3 (v128.load offset=16 (i32.add (local.get $bp2) (local.get $bptr))))
            (local.set $a0 (v128.load32_splat (i32.add (local.get $aRow) (local.get $idx))))
            (local.set $a1 (v128.load32_splat (i32.add (i32.add (local.get $aRow) (local.get $rowA)) (local.get $idx))))
            (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $a0) (local.get $b0))))
            (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $a0) (local.get $b1))))
            (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $a0) (local.get $b2))))
            (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $a0) (local.get $b3))))
            (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $a1) (local.get $b0))))
            (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $a1) (local.get $b1))))
            (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $a1) (local.get $b2))))
            (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $a1) (local.get $b3))))
            (local.set $lp (i32.add (local.get $lp) (i32.const 4)))
            (br_if $lNext (i32.lt_u (local.get $lp) (local.get $lEnd))))))
          (v128.store (local.get $op) (local.get $acc0)) (v128.store offset=16 (local.get $op) (local.get $acc1))
          (v128.store offset=32 (local.get $op) (local.get $acc2)) (v128.store offset=48 (local.get $op) (local.get $acc3))
          (local.set $op (i32.add (local.get $op) (local.get $rowO)))
          (v128.store (local.get $op) (local.get $acc4)) (v128.store offset=16 (local.get $op) (local.get $acc5))
          (v128.store offset=32 (local.get $op) (local.get $acc6)) (v128.store offset=48 (local.get $op) (local.get $acc7))
          (local.set $i (i32.add (local.get $i) (i32.const 2)))
          (br $iNext)))
        (local.set $kb (i32.add (local.get $kb) (i32.const 1)))
        (br $kbNext)))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $jNext)))
    (if (i32.eqz (local.get $flags)) (then (return)))
    ;; epilogue: bias, then relu, over the chunk's rows
    (local.set $op (i32.add (local.get $out) (i32.mul (local.get $i0) (local.get $rowO))))
    (local.set $end (i32.add (local.get $out) (i32.mul (local.get $i1) (local.get $rowO))))
    (block $eDone (loop $eNext
      (br_if $eDone (i32.ge_u (local.get $op) (local.get $end)))
      (local.set $j (i32.shl (local.get $j0) (i32.const 2)))
      (block $rowDone (loop $rowNext
        (br_if $rowDone (i32.ge_u (local.get $j) (i32.shl (local.get $j1) (i32.const 2))))
        (local.set $b0 (v128.load (i32.add (local.get $op) (local.get $j))))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then (local.set $b0 (f32x4.add (local.get $b0) (v128.load (i32.add (local.get $bias) (local.get $j)))))))
        (if (i32.and (local.get $flags) (i32.const 2))
          (then (local.set $b0 (f32x4.max (local.get $b0) (v128.const i32x4 0 0 0 0)))))
        (v128.store (i32.add (local.get $op) (local.get $j)) (local.get $b0))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $rowNext)))
      (local.set $op (i32.add (local.get $op) (local.get $rowO)))
      (br $eNext))))
)
