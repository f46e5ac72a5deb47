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

  ;; @include fragments/pool-transpose.wat

  ;; rowPrepChunk's column group c >= first: columns [g * cols, (g + 1) * cols) (g = c - first, cols % 32
  ;; == 0, n rounded up to 8 at most) of B[k, n] (or of B^T[n, k] where transposed) into panels of 32
  ;; columns (panel w: k rows of 128 bytes at bp + w * k * 128, the columns from n on zeros): the step
  ;; rows that rowChunk reads, 2 cache lines a step (panels of 8 columns would make it 4 half-lines, a
  ;; stride of k * 32 bytes apart, which aliases in L1 where k is a power of 2). Then 1 stored at flags +
  ;; 4c where those panels are all finite, else 0 (the exponent bits all set: an Infinity or a NaN).
  (func $packWide (param $c i32) (param $p i32)
    (local $b i32) (local $k i32) (local $n i32) (local $col i32) (local $c1 i32) (local $w i32)
    (local $src i32) (local $dst i32) (local $end i32) (local $r i32) (local $v v128) (local $bad v128)
    (local.set $b (i32.load (local.get $p)))
    (local.set $k (i32.load offset=8 (local.get $p)))
    (local.set $n (i32.load offset=12 (local.get $p)))
    (local.set $col (i32.mul (i32.sub (local.get $c) (i32.load offset=48 (local.get $p))) (i32.load offset=20 (local.get $p))))
    (local.set $c1 (i32.add (local.get $col) (i32.load offset=20 (local.get $p))))
    (local.set $end (i32.and (i32.add (local.get $n) (i32.const 31)) (i32.const -32)))
    (if (i32.gt_u (local.get $c1) (local.get $end)) (then (local.set $c1 (local.get $end))))
    ;; the group's panels: bp + col * k * 4 up to bp + c1 * k * 4, zeros first where it holds padding columns
    (local.set $w (i32.add (i32.load offset=4 (local.get $p)) (i32.shl (i32.mul (local.get $col) (local.get $k)) (i32.const 2))))
    (if (i32.gt_u (local.get $c1) (local.get $n))
      (then (memory.fill (local.get $w) (i32.const 0) (i32.shl (i32.mul (i32.sub (local.get $c1) (local.get $col)) (local.get $k)) (i32.const 2)))))
    (local.set $c1 (select (local.get $c1) (local.get $n) (i32.lt_u (local.get $c1) (local.get $n))))
    (if (i32.load offset=16 (local.get $p))
      (then
        ;; row r of B^T (k floats in a row) is column r: at 4 (r % 32) bytes of each 128-byte row of its panel
        (local.set $r (local.get $col))
        (block $cDone (loop $cNext
          (br_if $cDone (i32.ge_u (local.get $r) (local.get $c1)))
          (local.set $dst (i32.add (i32.add (i32.load offset=4 (local.get $p)) (i32.shl (i32.mul (i32.and (local.get $r) (i32.const -32))
            (local.get $k)) (i32.const 2))) (i32.shl (i32.and (local.get $r) (i32.const 31)) (i32.const 2))))
          (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 7))))
          (local.set $src (i32.add (local.get $b) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2))))
          (loop $tNext
            (f32.store (local.get $dst) (f32.load (local.get $src)))
            (local.set $src (i32.add (local.get $src) (i32.const 4)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 128)))
            (br_if $tNext (i32.lt_u (local.get $dst) (local.get $end))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $cNext))))
      (else
        ;; row by row of B[k, n]: columns [col, c1) of row r into row r of each panel, 4 at a time
        (local.set $r (i32.const 0))
        (block $rDone (loop $rNext
          (br_if $rDone (i32.ge_u (local.get $r) (local.get $k)))
          (local.set $src (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n)) (local.get $col)) (i32.const 2))))
          (local.set $dst (i32.add (i32.add (i32.load offset=4 (local.get $p)) (i32.shl (i32.mul (local.get $col) (local.get $k)) (i32.const 2)))
            (i32.shl (local.get $r) (i32.const 7))))
          (local.set $w (local.get $col))
          (block $jDone (loop $jNext
            (br_if $jDone (i32.ge_u (local.get $w) (local.get $c1)))
            (if (i32.le_u (i32.add (local.get $w) (i32.const 4)) (local.get $c1))
              (then
                (v128.store (local.get $dst) (v128.load (local.get $src)))
                (local.set $src (i32.add (local.get $src) (i32.const 16)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                (local.set $w (i32.add (local.get $w) (i32.const 4))))
              (else
                (f32.store (local.get $dst) (f32.load (local.get $src)))
                (local.set $src (i32.add (local.get $src) (i32.const 4)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                (local.set $w (i32.add (local.get $w) (i32.const 1)))))
            ;; (the next panel's row r: k * 128 bytes on from this one's start)
            (if (i32.eqz (i32.and (local.get $w) (i32.const 31)))
              (then (local.set $dst (i32.add (local.get $dst) (i32.sub (i32.shl (local.get $k) (i32.const 7)) (i32.const 128))))))
            (br $jNext)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $rNext)))))
    (local.set $c1 (i32.add (local.get $col) (i32.load offset=20 (local.get $p))))
    (local.set $end (i32.and (i32.add (local.get $n) (i32.const 31)) (i32.const -32)))
    (if (i32.gt_u (local.get $c1) (local.get $end)) (then (local.set $c1 (local.get $end))))
    ;; the finiteness of the group's panels, 4 floats at a time
    (local.set $w (i32.add (i32.load offset=4 (local.get $p)) (i32.shl (i32.mul (local.get $col) (local.get $k)) (i32.const 2))))
    (local.set $end (i32.add (local.get $w) (i32.shl (i32.mul (i32.sub (local.get $c1) (local.get $col)) (local.get $k)) (i32.const 2))))
    (block $fDone (loop $fNext
      (br_if $fDone (i32.ge_u (local.get $w) (local.get $end)))
      (local.set $bad (v128.or (local.get $bad) (i32x4.eq
        (v128.and (v128.load (local.get $w)) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
        (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
      (local.set $w (i32.add (local.get $w) (i32.const 16)))
      (br $fNext)))
    (i32.store (i32.add (i32.load offset=44 (local.get $p)) (i32.shl (local.get $c) (i32.const 2)))
      (i32.eqz (v128.any_true (local.get $bad)))))

  ;; A product's preparation as a pool job where the rows may walk (mat-mul-by-threads.ts): prepChunk's
  ;; (threaded-pair-steps.wat), its arguments at p, but each row chunk c < first (rows [r0, r1): r0 = c *
  ;; chunkRows, r1 = min(r0 + chunkRows, mPad), chunkRows even) listed by rowLists per block of 256
  ;; steps, with panel 0 (each entry's first word 64 p: twice the step's row offset in a panel of 8
  ;; columns), at lists + r0 * (ceil(k / 256) + k) * 8 (the chunks' tables and steps one after the
  ;; other); the steps it listed stored at flags + 4c, the pairs' union of those rows at the 15th
  ;; argument (an address) + 4c.
  (func (export "rowPrepChunk") (param $c i32) (param $p i32)
    (local $k i32) (local $col i32) (local $c1 i32)
    (local.set $k (i32.load offset=8 (local.get $p)))
    (if (i32.ge_u (local.get $c) (i32.load offset=48 (local.get $p)))
      (then (call $packWide (local.get $c) (local.get $p)) (return)))
    (local.set $col (i32.mul (local.get $c) (i32.load offset=52 (local.get $p))))
    (local.set $c1 (i32.add (local.get $col) (i32.load offset=52 (local.get $p))))
    (if (i32.gt_u (local.get $c1) (i32.load offset=32 (local.get $p))) (then (local.set $c1 (i32.load offset=32 (local.get $p)))))
    (call $transposeChunk (local.get $p) (local.get $col) (local.get $c1))
    (i32.store (i32.add (i32.load offset=44 (local.get $p)) (i32.shl (local.get $c) (i32.const 2)))
      (call $rowLists
        (i32.add (i32.load offset=24 (local.get $p)) (i32.shl (i32.mul (local.get $col) (local.get $k)) (i32.const 2)))
        (i32.add (i32.load offset=28 (local.get $p)) (i32.shl (i32.mul (local.get $col)
          (i32.add (i32.shr_u (i32.add (local.get $k) (i32.const 255)) (i32.const 8)) (local.get $k))) (i32.const 3)))
        (i32.sub (local.get $c1) (local.get $col)) (local.get $k) (i32.const 0) (i32.const 8)))
    (i32.store (i32.add (i32.load offset=56 (local.get $p)) (i32.shl (local.get $c) (i32.const 2)))
      (global.get $pairUnion)))

  ;; One tile of out[m, n] = a[m, k] . B[k, n] (B in packWide's panels of 32 columns: panel w at bp + w*k*128), over
  ;; rowPrepChunk's lists (listed in chunks of listRows rows): tile c is rows [i0, i1) and columns [j0,
  ;; j1) as in threaded-pair-steps.wat's pairChunk (any number of rows; chunkCols and n % 32 == 0), each
  ;; row walking its listed steps 32 columns (a panel's row) at a time, a block of 256 steps at once (32 KB
  ;; of the panel), out carrying the sums between blocks. Then bias (flags bit 0) and relu (bit 1).
  ;; Needs B all finite (the caller checks). As row-wide.wat, a step's two halves (columns 0-15, 16-31)
  ;; are split by a branch and steps by another, so that V8 does not issue a step's 8 loads together and
  ;; spill accumulators.
  (func (export "rowChunk") (param $c i32) (param $a i32) (param $bp i32) (param $out i32)
    (param $m i32) (param $k i32) (param $n i32) (param $chunk i32) (param $chunkCols i32) (param $bias i32) (param $flags i32)
    (param $lists i32) (param $listRows i32)
    (local $i0 i32) (local $i1 i32) (local $j0 i32) (local $j1 i32) (local $blocks i32) (local $j i32) (local $i i32)
    (local $bq i32) (local $op i32) (local $rowO i32) (local $kBlocks i32) (local $kb i32)
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
    (local.set $j (local.get $j0))
    (block $jDone (loop $jNext
      (br_if $jDone (i32.ge_u (local.get $j) (local.get $j1)))
      ;; panel j/32: j*k floats in
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
                ;; (the entry's 64 p, doubled: the step's row in a panel of 32 columns)
                (local.set $b (i32.add (local.get $bq) (i32.shl (i32.wrap_i64 (local.get $e)) (i32.const 1))))
                (local.set $x (i32x4.splat (i32.wrap_i64 (i64.shr_u (local.get $e) (i64.const 32)))))
                (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $x) (v128.load (local.get $b)))))
                (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b)))))
                (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $b)))))
                (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $b)))))
                (local.set $lp (i32.add (local.get $lp) (i32.const 8)))
                (br_if $last (i32.eq (local.get $lp) (local.get $le)))
                (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $x) (v128.load offset=64 (local.get $b)))))
                (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $x) (v128.load offset=80 (local.get $b)))))
                (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $x) (v128.load offset=96 (local.get $b)))))
                (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $x) (v128.load offset=112 (local.get $b)))))
                (br_if $lStep (i32.lt_u (local.get $lp) (local.get $le))))
                (br $done))
                ;; the last step's second half
                (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $x) (v128.load offset=64 (local.get $b)))))
                (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $x) (v128.load offset=80 (local.get $b)))))
                (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $x) (v128.load offset=96 (local.get $b)))))
                (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $x) (v128.load offset=112 (local.get $b))))))
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
