;; The pool's float32 product over lists of each row's own nonzero steps, 32 columns a step
;; (mat-mul-by-threads.ts runs it where float-zero-skip.ts's share test takes the rows): row-wide.wat's
;; lists (fragments/row-lists.wat) and walk, on the pool's shared memory, where op(a) lies as rows and
;; op(b) in packed panels of 8 columns (threaded-mat-mul.wat's packPanels, threaded-pair-steps.wat's
;; prepChunk). Pointers are byte offsets into that memory. Each output element is one call's sum over its
;; row's listed steps in order, whatever the number of threads or the tiles: the bits of
;; threaded-pair-steps.wat's pairs and the dense tile (but for the FMA build's zero sign, as on one thread).
(module
  (import "env" "memory" (memory 1 16384 shared))

  ;; @include fragments/row-lists.wat

  ;; @include fragments/tile-epilogue.wat

  ;; Chunk c of a product's row lists, as a pool job: rows [r0, r1) of op(a) (r0 = c * chunkRows, r1 =
  ;; min(r0 + chunkRows, mPad), chunkRows even) listed by rowLists per block of 256 steps, with panel 0
  ;; (each entry's first word 64 p: twice the step's row offset in a panel of 8 columns), at lists + r0 *
  ;; (ceil(k / 256) + k) * 8: the chunks' tables and steps lie one after the other as one call's would
  ;; per chunk. The steps it listed, then the pairs' union of those rows, stored as i32 at counts + 8c.
  ;; Its arguments lie as i32 at p: a, lists, mPad, k, chunkRows, counts.
  (func (export "rowListChunk") (param $c i32) (param $p i32)
    (local $r0 i32) (local $rows i32) (local $k i32)
    (local.set $k (i32.load offset=12 (local.get $p)))
    (local.set $r0 (i32.mul (local.get $c) (i32.load offset=16 (local.get $p))))
    (local.set $rows (i32.sub (i32.load offset=8 (local.get $p)) (local.get $r0)))
    (if (i32.gt_u (local.get $rows) (i32.load offset=16 (local.get $p))) (then (local.set $rows (i32.load offset=16 (local.get $p)))))
    (i32.store (i32.add (i32.load offset=20 (local.get $p)) (i32.shl (local.get $c) (i32.const 3)))
      (call $rowLists
        (i32.add (i32.load (local.get $p)) (i32.shl (i32.mul (local.get $r0) (local.get $k)) (i32.const 2)))
        (i32.add (i32.load offset=4 (local.get $p)) (i32.shl (i32.mul (local.get $r0)
          (i32.add (i32.shr_u (i32.add (local.get $k) (i32.const 255)) (i32.const 8)) (local.get $k))) (i32.const 3)))
        (local.get $rows) (local.get $k) (i32.const 0) (i32.const 8)))
    (i32.store offset=4 (i32.add (i32.load offset=20 (local.get $p)) (i32.shl (local.get $c) (i32.const 3)))
      (global.get $pairUnion)))

  ;; One tile of out[m, n] = a[m, k] . B[k, n] (B in panels of 8 columns: panel q at bp + q*k*32), over
  ;; rowListChunk's lists (listed in chunks of listRows rows): tile c is rows [i0, i1) and columns [j0,
  ;; j1) as in threaded-pair-steps.wat's pairChunk (any number of rows; chunkCols and n % 32 == 0), each
  ;; row walking its listed steps 32 columns (four panels) at a time, a block of 256 steps at once (32 KB
  ;; of the four panels), out carrying the sums between blocks. Then bias (flags bit 0) and relu (bit 1).
  ;; Needs B all finite (the caller checks). As row-wide.wat, a step's two halves (columns 0-15, 16-31)
  ;; are split by a branch and steps by another, so that V8 does not issue a step's 8 loads together and
  ;; spill accumulators.
  (func (export "rowChunk") (param $c i32) (param $a i32) (param $bp i32) (param $out i32)
    (param $m i32) (param $k i32) (param $n i32) (param $chunk i32) (param $chunkCols i32) (param $bias i32) (param $flags i32)
    (param $lists i32) (param $listRows i32)
    (local $i0 i32) (local $i1 i32) (local $j0 i32) (local $j1 i32) (local $blocks i32) (local $j i32) (local $i i32)
    (local $bq i32) (local $step i32) (local $op i32) (local $rowO i32) (local $kBlocks i32) (local $kb i32)
    (local $entry i32) (local $lp i32) (local $le i32) (local $b i32) (local $r0 i32) (local $left i32) (local $eStride i32)
    (local $x v128) (local $e i64)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $blocks (i32.div_u (i32.add (local.get $m) (i32.sub (local.get $chunk) (i32.const 1))) (local.get $chunk)))
    (local.set $j0 (i32.mul (i32.div_u (local.get $c) (local.get $blocks)) (local.get $chunkCols)))
    (local.set $j1 (i32.add (local.get $j0) (local.get $chunkCols)))
    (if (i32.gt_u (local.get $j1) (local.get $n)) (then (local.set $j1 (local.get $n))))
    (local.set $i0 (i32.mul (i32.rem_u (local.get $c) (local.get $blocks)) (local.get $chunk)))
    (local.set $i1 (i32.add (local.get $i0) (local.get $chunk)))
    (if (i32.gt_u (local.get $i1) (local.get $m)) (then (local.set $i1 (local.get $m))))
    (local.set $rowO (i32.shl (local.get $n) (i32.const 2)))
    (local.set $kBlocks (i32.shr_u (i32.add (local.get $k) (i32.const 255)) (i32.const 8)))
    (local.set $eStride (i32.shl (local.get $kBlocks) (i32.const 3)))
    ;; (a panel of 8 columns: k rows of 32 bytes)
    (local.set $step (i32.shl (local.get $k) (i32.const 5)))
    (local.set $j (local.get $j0))
    (block $jDone (loop $jNext
      (br_if $jDone (i32.ge_u (local.get $j) (local.get $j1)))
      ;; panels j/8 .. j/8 + 3: j*k floats in, each 8*k further
      (local.set $bq (i32.add (local.get $bp) (i32.shl (i32.mul (local.get $j) (local.get $k)) (i32.const 2))))
      (local.set $kb (i32.const 0))
      (block $kbDone (loop $kbNext
        (br_if $kbDone (i32.ge_u (local.get $kb) (local.get $kBlocks)))
        (local.set $i (local.get $i0))
        ;; row i0's block kb: its listing chunk's (rows r0 ..) table at lists + r0 * (kBlocks + k) * 8, then
        ;; (i0 - r0) * kBlocks + kb entries; each next row's eStride further, and listRows * k * 8 more
        ;; where the next chunk's begins (left: the rows left in this one)
        (local.set $r0 (i32.mul (i32.div_u (local.get $i0) (local.get $listRows)) (local.get $listRows)))
        (local.set $left (i32.sub (local.get $listRows) (i32.sub (local.get $i0) (local.get $r0))))
        (local.set $entry (i32.add (i32.add (local.get $lists) (i32.shl (i32.mul (local.get $r0)
          (i32.add (local.get $kBlocks) (local.get $k))) (i32.const 3)))
          (i32.shl (i32.add (i32.mul (i32.sub (local.get $i0) (local.get $r0)) (local.get $kBlocks)) (local.get $kb)) (i32.const 3))))
        (local.set $op (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $n)) (local.get $j)) (i32.const 2))))
        (block $iDone (loop $iNext
          (br_if $iDone (i32.ge_u (local.get $i) (local.get $i1)))
          (local.set $lp (i32.load (local.get $entry)))
          (local.set $le (i32.load offset=4 (local.get $entry)))
          (if (i32.ne (local.get $lp) (local.get $le))
            (then
              (if (local.get $kb)
                (then
                  (local.set $acc0 (v128.load (local.get $op))) (local.set $acc1 (v128.load offset=16 (local.get $op)))
                  (local.set $acc2 (v128.load offset=32 (local.get $op))) (local.set $acc3 (v128.load offset=48 (local.get $op)))
                  (local.set $acc4 (v128.load offset=64 (local.get $op))) (local.set $acc5 (v128.load offset=80 (local.get $op)))
                  (local.set $acc6 (v128.load offset=96 (local.get $op))) (local.set $acc7 (v128.load offset=112 (local.get $op))))
                (else
                  (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
                  (local.set $acc2 (v128.const i32x4 0 0 0 0)) (local.set $acc3 (v128.const i32x4 0 0 0 0))
                  (local.set $acc4 (v128.const i32x4 0 0 0 0)) (local.set $acc5 (v128.const i32x4 0 0 0 0))
                  (local.set $acc6 (v128.const i32x4 0 0 0 0)) (local.set $acc7 (v128.const i32x4 0 0 0 0))))
              (block $done (block $last (loop $lStep
                (local.set $e (i64.load (local.get $lp)))
                ;; (the entry's 64 p, halved: the step's row in a panel of 8 columns)
                (local.set $b (i32.add (local.get $bq) (i32.shr_u (i32.wrap_i64 (local.get $e)) (i32.const 1))))
                (local.set $x (i32x4.splat (i32.wrap_i64 (i64.shr_u (local.get $e) (i64.const 32)))))
                (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $x) (v128.load (local.get $b)))))
                (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b)))))
                (local.set $b (i32.add (local.get $b) (local.get $step)))
                (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $x) (v128.load (local.get $b)))))
                (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b)))))
                (local.set $lp (i32.add (local.get $lp) (i32.const 8)))
                (br_if $last (i32.eq (local.get $lp) (local.get $le)))
                (local.set $b (i32.add (local.get $b) (local.get $step)))
                (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $x) (v128.load (local.get $b)))))
                (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b)))))
                (local.set $b (i32.add (local.get $b) (local.get $step)))
                (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $x) (v128.load (local.get $b)))))
                (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b)))))
                (br_if $lStep (i32.lt_u (local.get $lp) (local.get $le))))
                (br $done))
                ;; the last step's second half
                (local.set $b (i32.add (local.get $b) (local.get $step)))
                (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $x) (v128.load (local.get $b)))))
                (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b)))))
                (local.set $b (i32.add (local.get $b) (local.get $step)))
                (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $x) (v128.load (local.get $b)))))
                (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b))))))
              (v128.store (local.get $op) (local.get $acc0)) (v128.store offset=16 (local.get $op) (local.get $acc1))
              (v128.store offset=32 (local.get $op) (local.get $acc2)) (v128.store offset=48 (local.get $op) (local.get $acc3))
              (v128.store offset=64 (local.get $op) (local.get $acc4)) (v128.store offset=80 (local.get $op) (local.get $acc5))
              (v128.store offset=96 (local.get $op) (local.get $acc6)) (v128.store offset=112 (local.get $op) (local.get $acc7)))
            (else (if (i32.eqz (local.get $kb)) (then
              (v128.store (local.get $op) (v128.const i32x4 0 0 0 0)) (v128.store offset=16 (local.get $op) (v128.const i32x4 0 0 0 0))
              (v128.store offset=32 (local.get $op) (v128.const i32x4 0 0 0 0)) (v128.store offset=48 (local.get $op) (v128.const i32x4 0 0 0 0))
              (v128.store offset=64 (local.get $op) (v128.const i32x4 0 0 0 0)) (v128.store offset=80 (local.get $op) (v128.const i32x4 0 0 0 0))
              (v128.store offset=96 (local.get $op) (v128.const i32x4 0 0 0 0)) (v128.store offset=112 (local.get $op) (v128.const i32x4 0 0 0 0))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $op (i32.add (local.get $op) (local.get $rowO)))
          (local.set $entry (i32.add (local.get $entry) (local.get $eStride)))
          (local.set $left (i32.sub (local.get $left) (i32.const 1)))
          (if (i32.eqz (local.get $left))
            (then
              (local.set $entry (i32.add (local.get $entry) (i32.shl (i32.mul (local.get $listRows) (local.get $k)) (i32.const 3))))
              (local.set $left (local.get $listRows))))
          (br $iNext)))
        (local.set $kb (i32.add (local.get $kb) (i32.const 1)))
        (br $kbNext)))
      (local.set $j (i32.add (local.get $j) (i32.const 32)))
      (br $jNext)))
    (if (local.get $flags)
      (then (call $tileEpilogue (local.get $out) (local.get $bias) (local.get $i0) (local.get $i1)
        (i32.shl (local.get $j0) (i32.const 2)) (i32.shl (local.get $j1) (i32.const 2)) (local.get $rowO) (local.get $flags)))))
)
