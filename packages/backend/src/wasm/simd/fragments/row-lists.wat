;; Fragment, not a module: the lists of each row's steps not ±0 that the one-thread float products over
;; single rows walk (row-steps.wat's 16 columns a step, row-wide.wat's 32), and the count of the pairs'
;; steps that float-zero-skip.ts weighs them against. Each takes it with the line
;; `;; @include fragments/row-lists.wat` (scripts/wat-includes.mjs pastes it in before compiling).

  ;; How many pair-steps the last rowLists would have listed per pair of rows (rows 2r and 2r + 1, a step
  ;; listed where either is not ±0): pair-steps.wat's count, for float-zero-skip.ts to choose between the two.
  (global $pairUnion (mut i32) (i32.const 0))
  (func (export "pairUnion") (result i32) (global.get $pairUnion))

  ;; Lists, for each row r of a[m, k] (m even) and block kb of B = 2^blockLog steps of k, the steps p where
  ;; a[r, p] is not ±0, each as 8 bytes: the address of panel row p (panel + 64 p, the panel of 16 columns
  ;; the walk copies b's columns to) and a[r, p]'s bits. At lists: m * ceil(k / B) pairs of words, row r
  ;; block kb's first and end addresses at word 2 (r * ceil(k / B) + kb); row r's steps from byte (m *
  ;; ceil(k / B) + r * k) * 8 on (k at most). Returns how many it listed; sets pairUnion. Rows two at a
  ;; time. Each module exports it as rowSteps with its walk's block (row-steps.wat 512, row-wide.wat 256).
  (func $rowLists (param $a i32) (param $lists i32) (param $m i32) (param $k i32) (param $panel i32) (param $blockLog i32)
    (result i32)
    (local $wA i32) (local $wB i32) (local $rowA i32) (local $row i32) (local $end i32) (local $p i32) (local $pEnd i32)
    (local $vEnd i32) (local $mA i32) (local $mB i32) (local $xA i32) (local $xB i32) (local $listed i32) (local $union i32)
    (local $region i32) (local $rowB i32) (local $eB i32) (local $kBlocks i32) (local $blockBytes i32) (local $vA v128) (local $vB v128) (local $off v128) (local $t v128)
    (local.set $rowA (i32.shl (local.get $k) (i32.const 2)))
    (local.set $blockBytes (i32.shl (i32.const 4) (local.get $blockLog)))
    (local.set $kBlocks (i32.shr_u (i32.add (local.get $rowA) (i32.sub (local.get $blockBytes) (i32.const 1)))
      (i32.add (local.get $blockLog) (i32.const 2))))
    ;; (row B's entries, kBlocks pairs of words after row A's)
    (local.set $eB (i32.shl (local.get $kBlocks) (i32.const 3)))
    (local.set $region (i32.add (local.get $lists) (i32.shl (i32.mul (local.get $m) (local.get $kBlocks)) (i32.const 3))))
    (local.set $row (local.get $a))
    (local.set $end (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $rowA))))
    (block $rDone (loop $rNext
      (br_if $rDone (i32.ge_u (local.get $row) (local.get $end)))
      (local.set $rowB (i32.add (local.get $row) (local.get $rowA)))
      (local.set $wA (local.get $region))
      (local.set $wB (i32.add (local.get $region) (i32.shl (local.get $rowA) (i32.const 1))))
      (local.set $listed (i32.sub (i32.sub (local.get $listed) (local.get $wA)) (local.get $wB)))
      (local.set $p (i32.const 0))
      (block $bDone (loop $bNext
        (br_if $bDone (i32.ge_u (local.get $p) (local.get $rowA)))
        ;; this block's steps end at byte pEnd of the row; 4 at a time up to vEnd
        (local.set $pEnd (select (local.get $rowA) (i32.add (local.get $p) (local.get $blockBytes))
          (i32.lt_u (i32.sub (local.get $rowA) (local.get $p)) (local.get $blockBytes))))
        (local.set $vEnd (i32.sub (local.get $pEnd) (i32.and (i32.sub (local.get $pEnd) (local.get $p)) (i32.const 15))))
        (i32.store (local.get $lists) (local.get $wA))
        (i32.store (i32.add (local.get $lists) (local.get $eB)) (local.get $wB))
        (block $vDone (loop $vNext
          (br_if $vDone (i32.ge_u (local.get $p) (local.get $vEnd)))
          (local.set $vA (v128.load (i32.add (local.get $row) (local.get $p))))
          (local.set $vB (v128.load (i32.add (local.get $rowB) (local.get $p))))
          (local.set $mA (i32x4.bitmask (i32x4.ne (v128.and (local.get $vA)
            (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)) (v128.const i32x4 0 0 0 0))))
          (local.set $mB (i32x4.bitmask (i32x4.ne (v128.and (local.get $vB)
            (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)) (v128.const i32x4 0 0 0 0))))
          (local.set $union (i32.add (local.get $union) (i32.popcnt (i32.or (local.get $mA) (local.get $mB)))))
          ;; the panel rows' addresses of steps p / 4 .. p / 4 + 4
          (local.set $off (i32x4.add (i32x4.splat (i32.add (local.get $panel) (i32.shl (local.get $p) (i32.const 4))))
            (v128.const i32x4 0 64 128 192)))
          ;; each row's 4 steps written, its cursor moved past each only where listed: no branch on a row's
          ;; mask, which fresh data (a new batch each step) mispredicts (with a test per row on 15 and on 0,
          ;; listing an MNIST batch took 72 us on fresh batches against 22 on one batch repeated). Only 4
          ;; steps where both rows are ±0 (MNIST's blank margins: long runs the predictor follows) are
          ;; passed over by a branch.
          (if (i32.or (local.get $mA) (local.get $mB)) (then
            (local.set $t (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $off) (local.get $vA)))
            (i64.store (local.get $wA) (i64x2.extract_lane 0 (local.get $t)))
            (local.set $wA (i32.add (local.get $wA) (i32.shl (i32.and (local.get $mA) (i32.const 1)) (i32.const 3))))
            (i64.store (local.get $wA) (i64x2.extract_lane 1 (local.get $t)))
            (local.set $wA (i32.add (local.get $wA) (i32.shl (i32.and (local.get $mA) (i32.const 2)) (i32.const 2))))
            (local.set $t (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $off) (local.get $vA)))
            (i64.store (local.get $wA) (i64x2.extract_lane 0 (local.get $t)))
            (local.set $wA (i32.add (local.get $wA) (i32.shl (i32.and (local.get $mA) (i32.const 4)) (i32.const 1))))
            (i64.store (local.get $wA) (i64x2.extract_lane 1 (local.get $t)))
            (local.set $wA (i32.add (local.get $wA) (i32.and (local.get $mA) (i32.const 8))))
            (local.set $t (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $off) (local.get $vB)))
            (i64.store (local.get $wB) (i64x2.extract_lane 0 (local.get $t)))
            (local.set $wB (i32.add (local.get $wB) (i32.shl (i32.and (local.get $mB) (i32.const 1)) (i32.const 3))))
            (i64.store (local.get $wB) (i64x2.extract_lane 1 (local.get $t)))
            (local.set $wB (i32.add (local.get $wB) (i32.shl (i32.and (local.get $mB) (i32.const 2)) (i32.const 2))))
            (local.set $t (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $off) (local.get $vB)))
            (i64.store (local.get $wB) (i64x2.extract_lane 0 (local.get $t)))
            (local.set $wB (i32.add (local.get $wB) (i32.shl (i32.and (local.get $mB) (i32.const 4)) (i32.const 1))))
            (i64.store (local.get $wB) (i64x2.extract_lane 1 (local.get $t)))
            (local.set $wB (i32.add (local.get $wB) (i32.and (local.get $mB) (i32.const 8))))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br $vNext)))
        ;; the last k % 4 steps one at a time (each written, the cursor moved past it only where listed)
        (block $sDone (loop $sNext
          (br_if $sDone (i32.ge_u (local.get $p) (local.get $pEnd)))
          (local.set $xA (i32.load (i32.add (local.get $row) (local.get $p))))
          (i32.store (local.get $wA) (i32.add (local.get $panel) (i32.shl (local.get $p) (i32.const 4))))
          (i32.store offset=4 (local.get $wA) (local.get $xA))
          (local.set $mA (i32.ne (i32.and (local.get $xA) (i32.const 0x7fffffff)) (i32.const 0)))
          (local.set $wA (i32.add (local.get $wA) (i32.shl (local.get $mA) (i32.const 3))))
          (local.set $xB (i32.load (i32.add (local.get $rowB) (local.get $p))))
          (i32.store (local.get $wB) (i32.add (local.get $panel) (i32.shl (local.get $p) (i32.const 4))))
          (i32.store offset=4 (local.get $wB) (local.get $xB))
          (local.set $mB (i32.ne (i32.and (local.get $xB) (i32.const 0x7fffffff)) (i32.const 0)))
          (local.set $wB (i32.add (local.get $wB) (i32.shl (local.get $mB) (i32.const 3))))
          (local.set $union (i32.add (local.get $union) (i32.or (local.get $mA) (local.get $mB))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $sNext)))
        (i32.store offset=4 (local.get $lists) (local.get $wA))
        (i32.store offset=4 (i32.add (local.get $lists) (local.get $eB)) (local.get $wB))
        (local.set $lists (i32.add (local.get $lists) (i32.const 8)))
        (br $bNext)))
      (local.set $listed (i32.add (i32.add (local.get $listed) (local.get $wA)) (local.get $wB)))
      (local.set $region (i32.add (local.get $region) (i32.shl (local.get $rowA) (i32.const 2))))
      (local.set $lists (i32.add (local.get $lists) (local.get $eB)))
      (local.set $row (i32.add (local.get $row) (i32.shl (local.get $rowA) (i32.const 1))))
      (br $rNext)))
    (global.set $pairUnion (local.get $union))
    (i32.shr_u (local.get $listed) (i32.const 3)))
