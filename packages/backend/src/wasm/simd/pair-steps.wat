;; The one-thread float32 product over lists of each pair of rows' nonzero steps (pair-steps.ts beside
;; this file; float-zero-skip.ts decides when): where op(a)'s zeros fall independently in each row (a
;; ReLU's output, its gradient, MNIST's pixels), a block of 4 rows is rarely zero at a step, a pair of
;; rows more often. Pointers are byte offsets into tfjs-backend-wasm's memory (env.memory); every
;; tensor float32, row-major.
(module
  (import "env" "memory" (memory 0))

  ;; @include fragments/pair-steps.wat

  ;; @include fragments/panel-copy.wat

  ;; The matrix product out[m, n] = a[m, k] . b[k, n], all row-major, over pairSteps's lists of a: each
  ;; pair of rows walks only its listed steps, 16 columns of out at a time in 8 vector accumulators
  ;; (2 rows x 4), the steps in order: the sums of the dense product, less terms of ±0. Needs m even,
  ;; n % 16 == 0. Panel by panel: the panel's 16 columns of b are first copied to panel (k rows of 64
  ;; bytes: in place, b's rows n floats apart would map to few cache sets), then every pair of rows
  ;; walks each block of 512 steps (32 KB of the panel, in a 48 KB L1), out carrying the sums between blocks.
  ;; A panel holding an Infinity or a NaN (0 x Infinity is NaN) walks every step instead, from the
  ;; list of them written at every (k words). flags & 1: b is given transposed, as bT[n, k] (dy . W^T
  ;; with W as it lies): a panel's 16 columns are 16 rows of bT, transposed 4 x 4 into the panel as
  ;; they are copied (no separate transpose pass). flags & 2: every panel walks every step (lists
  ;; unread). Returns how many panels walked every step.
  (func (export "matMulPairs") (param $a i32) (param $b i32) (param $out i32) (param $m i32) (param $k i32) (param $n i32)
    (param $lists i32) (param $every i32) (param $panel i32) (param $flags i32) (result i32)
    (local $j i32) (local $i i32) (local $lp i32) (local $lEnd i32) (local $idx i32) (local $aRow i32)
    (local $bp i32) (local $op i32) (local $rowA i32) (local $rowB i32)
    (local $kBlocks i32) (local $kb i32) (local $entry i32) (local $endOff i32)
    (local $dense i32) (local $denseCount i32) (local $eStart i32) (local $eEnd i32)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $rowA (i32.shl (local.get $k) (i32.const 2)))
    (local.set $rowB (i32.shl (local.get $n) (i32.const 2)))
    (local.set $kBlocks (i32.shr_u (i32.add (local.get $k) (i32.const 255)) (i32.const 8)))
    ;; every[p] = p * 4
    (local.set $idx (i32.const 0))
    (loop $eNext
      (i32.store (i32.add (local.get $every) (local.get $idx)) (local.get $idx))
      (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
      (br_if $eNext (i32.lt_u (local.get $idx) (local.get $rowA))))
    (block $jDone (loop $jNext
      (br_if $jDone (i32.ge_u (local.get $j) (local.get $rowB)))
      (local.set $dense (call $copyPanel (local.get $b) (local.get $j) (local.get $rowA) (local.get $rowB)
        (local.get $panel) (local.get $flags)))
      (local.set $denseCount (i32.add (local.get $denseCount) (local.get $dense)))
      (local.set $kb (i32.const 0))
      (block $kbDone (loop $kbNext
        (br_if $kbDone (i32.ge_u (local.get $kb) (local.get $kBlocks)))
        (local.set $op (i32.add (local.get $out) (local.get $j)))
        (local.set $aRow (local.get $a))
        (local.set $entry (i32.add (local.get $lists) (i32.shl (local.get $kb) (i32.const 2))))
        ;; (a walk takes two of the lists' blocks, the last walk one where kBlocks is odd: its steps end
        ;; at the word 2 or 1 after entry's)
        (local.set $endOff (select (i32.const 8) (i32.const 4) (i32.lt_u (i32.add (local.get $kb) (i32.const 1)) (local.get $kBlocks))))
        ;; this walk's steps in every: [kb * 256, min(k, kb * 256 + 512))
        (local.set $eStart (i32.add (local.get $every) (i32.shl (local.get $kb) (i32.const 10))))
        (local.set $eEnd (select (i32.add (local.get $every) (local.get $rowA)) (i32.add (local.get $eStart) (i32.const 2048))
          (i32.lt_u (i32.sub (local.get $rowA) (i32.shl (local.get $kb) (i32.const 10))) (i32.const 2048))))
        (local.set $i (i32.const 0))
        (block $iDone (loop $iNext
          (br_if $iDone (i32.ge_u (local.get $i) (local.get $m)))
          (if (i32.eqz (local.get $kb))
            (then
              (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
              (local.set $acc2 (v128.const i32x4 0 0 0 0)) (local.set $acc3 (v128.const i32x4 0 0 0 0))
              (local.set $acc4 (v128.const i32x4 0 0 0 0)) (local.set $acc5 (v128.const i32x4 0 0 0 0))
              (local.set $acc6 (v128.const i32x4 0 0 0 0)) (local.set $acc7 (v128.const i32x4 0 0 0 0)))
            (else
              (local.set $acc0 (v128.load (local.get $op))) (local.set $acc1 (v128.load offset=16 (local.get $op)))
              (local.set $acc2 (v128.load offset=32 (local.get $op))) (local.set $acc3 (v128.load offset=48 (local.get $op)))
              (local.set $acc4 (v128.load (i32.add (local.get $op) (local.get $rowB))))
              (local.set $acc5 (v128.load offset=16 (i32.add (local.get $op) (local.get $rowB))))
              (local.set $acc6 (v128.load offset=32 (i32.add (local.get $op) (local.get $rowB))))
              (local.set $acc7 (v128.load offset=48 (i32.add (local.get $op) (local.get $rowB))))))
          (if (local.get $dense)
            (then (local.set $lp (local.get $eStart)) (local.set $lEnd (local.get $eEnd)))
            (else (local.set $lp (i32.load (local.get $entry))) (local.set $lEnd (i32.load (i32.add (local.get $entry) (local.get $endOff))))))
          (if (i32.lt_u (local.get $lp) (local.get $lEnd)) (then (loop $lNext
            (local.set $idx (i32.load (local.get $lp)))
            ;; row p of the panel: 64 bytes, 16 times the step's byte offset p * 4
            (local.set $bp (i32.add (local.get $panel) (i32.shl (local.get $idx) (i32.const 4))))
            (local.set $b0 (v128.load (local.get $bp)))
            (local.set $b1 (v128.load offset=16 (local.get $bp)))
            (local.set $b2 (v128.load offset=32 (local.get $bp)))
            (local.set $b3 (v128.load offset=48 (local.get $bp)))
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
          (local.set $op (i32.add (local.get $op) (local.get $rowB)))
          (v128.store (local.get $op) (local.get $acc4)) (v128.store offset=16 (local.get $op) (local.get $acc5))
          (v128.store offset=32 (local.get $op) (local.get $acc6)) (v128.store offset=48 (local.get $op) (local.get $acc7))
          (local.set $op (i32.add (local.get $op) (local.get $rowB)))
          (local.set $aRow (i32.add (local.get $aRow) (i32.shl (local.get $rowA) (i32.const 1))))
          (local.set $entry (i32.add (local.get $entry) (i32.shl (local.get $kBlocks) (i32.const 2))))
          (local.set $i (i32.add (local.get $i) (i32.const 2)))
          (br $iNext)))
        (local.set $kb (i32.add (local.get $kb) (i32.const 2)))
        (br $kbNext)))
      (local.set $j (i32.add (local.get $j) (i32.const 64)))
      (br $jNext)))
    (local.get $denseCount))
)
