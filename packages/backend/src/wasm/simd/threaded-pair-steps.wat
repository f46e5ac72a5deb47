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
  ;; over must be ±0 times a number). ends: 0 (each listed block ends where the next one's begins), or
  ;; where each block's end lies, as many bytes after ends as its beginning after lists (prepChunk's
  ;; lists, listed by row chunks apart).
  (func (export "pairChunk") (param $c i32) (param $a i32) (param $bp i32) (param $out i32)
    (param $m i32) (param $k i32) (param $n i32) (param $chunk i32) (param $chunkCols i32) (param $bias i32) (param $flags i32)
    (param $lists i32) (param $ends i32)
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
          (local.set $lEnd (if (result i32) (local.get $ends)
            (then (i32.load (i32.add (local.get $ends) (i32.sub (local.get $entry) (local.get $lists)))))
            (else (i32.load offset=4 (local.get $entry)))))
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

  ;; A product's preparation as a pool job (mat-mul-by-threads.ts), so that it runs on every thread.
  ;; Chunk c < first: rows [r0, r1) of op(a) (r0 = c * chunkRows, r1 = min(r0 + chunkRows, mPad)):
  ;; where aRaw is not 0, op(a) = a^T for those rows (a[k, m] at aRaw, rows from m on left as they
  ;; are), then, where lists is not 0, pairSteps's lists of those rows at lists + c * (chunkRows / 2 *
  ;; (ceil(k / 256) + k) + 5) * 4, their count stored at flags + 4c (the caller joins the chunks'
  ;; lists). Chunk c >= first: columns [g * cols, (g + 1) * cols) (g = c - first, cols % 8 == 0) of
  ;; B packed as threaded-mat-mul.wat's packPanels does (the last panel filled up with zeros), then 1
  ;; stored at flags + 4c where those panels are all finite, else 0. Its arguments lie as i32 at p:
  ;; b, bp, k, n, transposed, cols, a, lists, mPad, aRaw, m, flags, first, chunkRows.
  (func (export "prepChunk") (param $c i32) (param $p i32)
    (local $b i32) (local $bp i32) (local $k i32) (local $n i32) (local $col i32) (local $c1 i32)
    (local $src i32) (local $dst i32) (local $end i32) (local $panel i32) (local $r i32) (local $nf i32)
    (local $bad v128)
    (local.set $k (i32.load offset=8 (local.get $p)))
    (if (i32.lt_u (local.get $c) (i32.load offset=48 (local.get $p)))
      (then
        (local.set $col (i32.mul (local.get $c) (i32.load offset=52 (local.get $p))))
        (local.set $c1 (i32.add (local.get $col) (i32.load offset=52 (local.get $p))))
        (if (i32.gt_u (local.get $c1) (i32.load offset=32 (local.get $p))) (then (local.set $c1 (i32.load offset=32 (local.get $p)))))
        ;; rows of op(a) from col: at a + col * k * 4
        (local.set $bp (i32.add (i32.load offset=24 (local.get $p)) (i32.shl (i32.mul (local.get $col) (local.get $k)) (i32.const 2))))
        (local.set $src (i32.load offset=36 (local.get $p)))
        (if (local.get $src)
          (then
            ;; a^T: row q of op(a) is column q of a[k, m] (m floats apart), for q in [col, min(c1, m)), in
            ;; blocks of 8 steps of k (8 cache lines of a read for 8 floats written in a row)
            (local.set $n (i32.load offset=40 (local.get $p)))
            (local.set $b (select (local.get $c1) (local.get $n) (i32.lt_u (local.get $c1) (local.get $n))))
            (local.set $panel (i32.const 0))
            (block $pDone (loop $pNext
              (br_if $pDone (i32.ge_u (local.get $panel) (local.get $k)))
              (local.set $r (local.get $col))
              (block $qDone (loop $qNext
                (br_if $qDone (i32.ge_u (local.get $r) (local.get $b)))
                (local.set $dst (i32.add (i32.load offset=24 (local.get $p))
                  (i32.shl (i32.add (i32.mul (local.get $r) (local.get $k)) (local.get $panel)) (i32.const 2))))
                (local.set $end (i32.add (local.get $dst) (i32.shl (select (i32.const 8) (i32.sub (local.get $k) (local.get $panel))
                  (i32.gt_u (i32.sub (local.get $k) (local.get $panel)) (i32.const 8))) (i32.const 2))))
                (local.set $src (i32.add (i32.load offset=36 (local.get $p))
                  (i32.shl (i32.add (i32.mul (local.get $panel) (local.get $n)) (local.get $r)) (i32.const 2))))
                (loop $eNext
                  (f32.store (local.get $dst) (f32.load (local.get $src)))
                  (local.set $src (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                  (br_if $eNext (i32.lt_u (local.get $dst) (local.get $end))))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $qNext)))
              (local.set $panel (i32.add (local.get $panel) (i32.const 8)))
              (br $pNext)))))
        (if (i32.load offset=28 (local.get $p))
          (then
            ;; function 0: pairSteps (the fragment above, which has no name)
            (i32.store (i32.add (i32.load offset=44 (local.get $p)) (i32.shl (local.get $c) (i32.const 2)))
              (call 0 (local.get $bp)
                (i32.add (i32.load offset=28 (local.get $p)) (i32.shl (i32.mul (local.get $c) (i32.add (i32.mul
                  (i32.shr_u (i32.load offset=52 (local.get $p)) (i32.const 1))
                  (i32.add (i32.shr_u (i32.add (local.get $k) (i32.const 255)) (i32.const 8)) (local.get $k))) (i32.const 5)))
                  (i32.const 2)))
                (i32.sub (local.get $c1) (local.get $col)) (local.get $k)))))
        (return)))
    (local.set $b (i32.load (local.get $p)))
    (local.set $n (i32.load offset=12 (local.get $p)))
    (local.set $panel (i32.shl (local.get $k) (i32.const 5)))
    (local.set $col (i32.mul (i32.sub (local.get $c) (i32.load offset=48 (local.get $p))) (i32.load offset=20 (local.get $p))))
    (local.set $c1 (i32.add (local.get $col) (i32.load offset=20 (local.get $p))))
    (local.set $end (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8)))
    (if (i32.gt_u (local.get $c1) (local.get $end)) (then (local.set $c1 (local.get $end))))
    ;; the group's panels: bp + col / 8 * panel up to bp + c1 / 8 * panel
    (local.set $bp (i32.add (i32.load offset=4 (local.get $p)) (i32.mul (i32.shr_u (local.get $col) (i32.const 3)) (local.get $panel))))
    (if (i32.load offset=16 (local.get $p))
      (then
        ;; column r of B is row r of B^T: k floats apart there, 8 apart in its panel
        (local.set $r (local.get $col))
        (block $cDone (loop $cNext
          (br_if $cDone (i32.ge_u (local.get $r) (local.get $c1)))
          (local.set $dst (i32.add (i32.add (local.get $bp) (i32.mul (i32.shr_u (i32.sub (local.get $r) (local.get $col)) (i32.const 3))
            (local.get $panel))) (i32.shl (i32.and (local.get $r) (i32.const 7)) (i32.const 2))))
          (local.set $src (i32.add (local.get $b) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2))))
          (local.set $end (i32.add (local.get $dst) (local.get $panel)))
          (if (i32.lt_u (local.get $r) (local.get $n))
            (then
              (loop $pNext
                (f32.store (local.get $dst) (f32.load (local.get $src)))
                (local.set $src (i32.add (local.get $src) (i32.const 4)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (br_if $pNext (i32.lt_u (local.get $dst) (local.get $end)))))
            (else
              ;; the padding columns (r >= n) get zeros without reading B
              (loop $zNext
                (f32.store (local.get $dst) (f32.const 0))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (br_if $zNext (i32.lt_u (local.get $dst) (local.get $end))))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $cNext)))
        ;; the group's rows of B^T, [col, min(c1, n)), lie together: tested 4 floats at a time, then
        ;; the last count % 4 one at a time (allFinite's test: exponent bits all set)
        (local.set $src (i32.add (local.get $b) (i32.shl (i32.mul (local.get $col) (local.get $k)) (i32.const 2))))
        (local.set $end (i32.add (local.get $b) (i32.shl (i32.mul (select (local.get $c1) (local.get $n)
          (i32.lt_u (local.get $c1) (local.get $n))) (local.get $k)) (i32.const 2))))
        (block $vDone (loop $vNext
          (br_if $vDone (i32.gt_u (i32.add (local.get $src) (i32.const 16)) (local.get $end)))
          (local.set $bad (v128.or (local.get $bad) (i32x4.eq
            (v128.and (v128.load (local.get $src)) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
            (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
          (local.set $src (i32.add (local.get $src) (i32.const 16)))
          (br $vNext)))
        (block $sDone (loop $sNext
          (br_if $sDone (i32.ge_u (local.get $src) (local.get $end)))
          (local.set $nf (i32.or (local.get $nf) (i32.eq (i32.and (i32.load (local.get $src)) (i32.const 0x7f800000))
            (i32.const 0x7f800000))))
          (local.set $src (i32.add (local.get $src) (i32.const 4)))
          (br $sNext))))
      (else
        ;; row by row of B[k, n]: 8 columns into each panel of the group, tested on the way
        (local.set $r (i32.const 0))
        (block $rDone (loop $rNext
          (br_if $rDone (i32.ge_u (local.get $r) (local.get $k)))
          (local.set $src (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n)) (local.get $col)) (i32.const 2))))
          (local.set $dst (i32.add (local.get $bp) (i32.shl (local.get $r) (i32.const 5))))
          (local.set $end (local.get $col))
          (block $fullDone (loop $fullNext
            (br_if $fullDone (i32.ge_u (local.get $end) (local.get $c1)))
            (if (i32.gt_u (i32.add (local.get $end) (i32.const 8)) (local.get $n))
              (then
                ;; the last panel, n % 8 columns: zeros, then those columns
                (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
                (v128.store offset=16 (local.get $dst) (v128.const i32x4 0 0 0 0))
                (memory.copy (local.get $dst) (local.get $src) (i32.shl (i32.sub (local.get $n) (local.get $end)) (i32.const 2))))
              (else
                (v128.store (local.get $dst) (v128.load (local.get $src)))
                (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))))
            (local.set $bad (v128.or (local.get $bad) (v128.or
              (i32x4.eq (v128.and (v128.load (local.get $dst)) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
              (i32x4.eq (v128.and (v128.load offset=16 (local.get $dst)) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000)))))
            (local.set $src (i32.add (local.get $src) (i32.const 32)))
            (local.set $dst (i32.add (local.get $dst) (local.get $panel)))
            (local.set $end (i32.add (local.get $end) (i32.const 8)))
            (br $fullNext)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $rNext)))))
    ;; 1: the group's panels all finite
    (i32.store (i32.add (i32.load offset=44 (local.get $p)) (i32.shl (local.get $c) (i32.const 2)))
      (i32.eqz (i32.or (v128.any_true (local.get $bad)) (local.get $nf)))))
)
