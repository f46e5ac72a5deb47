;; Fragment, not a module: the float products' zero-step skip (src/wasm/kernels/float-zero-skip.ts),
;; the same functions in kernels.wat and threaded-mat-mul.wat. Each takes it with the line
;; `;; @include fragments/float-zero-skip.wat` (scripts/wat-includes.mjs pastes it in before compiling).

  ;; Bit s set where some of the 4 rows (rowA bytes apart) at ptr is not ±0 at step s (of 4).
  (func $nonzero4 (param $ptr i32) (param $rowA i32) (result i32)
    (i32x4.bitmask (i32x4.ne (v128.and (v128.or
      (v128.or (v128.load (local.get $ptr)) (v128.load (i32.add (local.get $ptr) (local.get $rowA))))
      (v128.or (v128.load (i32.add (local.get $ptr) (i32.shl (local.get $rowA) (i32.const 1))))
        (v128.load (i32.add (local.get $ptr) (i32.mul (local.get $rowA) (i32.const 3))))))
      (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)) (v128.const i32x4 0 0 0 0))))

  ;; 1 where some of the 4 rows (rowA bytes apart) at ptr is not ±0, else 0.
  (func $nonzero1 (param $ptr i32) (param $rowA i32) (result i32)
    (i32.ne (i32.and (i32.or
      (i32.or (i32.load (local.get $ptr)) (i32.load (i32.add (local.get $ptr) (local.get $rowA))))
      (i32.or (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $rowA) (i32.const 1))))
        (i32.load (i32.add (local.get $ptr) (i32.mul (local.get $rowA) (i32.const 3))))))
      (i32.const 0x7fffffff)) (i32.const 0)))

  ;; Lists, for each block of 4 rows of a[m, k] (row-major, m % 4 == 0) and each block of 128 steps of
  ;; k, the steps p where some of the 4 rows is not ±0 (as p * 4, the step's byte offset in a row),
  ;; and returns how many steps it leaves out. At lists: for block r and k-block kb, 8 bytes at
  ;; ((r * ceil(k / 128)) + kb) * 8: the first listed step's address and the address past the last;
  ;; or -1 where more than eighths / 8 of the k-block's steps would be listed (the block runs every
  ;; step; counted first, so dense data writes no list). The steps follow from m / 4 * ceil(k / 128) * 8
  ;; bytes on: at most k per block of 4 rows (m * k bytes; a step written and left out lands where
  ;; the next listed one would).
  (func (export "zeroSteps") (param $a i32) (param $lists i32) (param $m i32) (param $k i32) (param $eighths i32) (result i32)
    (local $rowA i32) (local $idx i32) (local $w i32) (local $start i32) (local $row i32) (local $rowEnd i32)
    (local $k0 i32) (local $kc i32) (local $p i32) (local $pEnd i32) (local $mask i32) (local $count i32)
    (local $skipped i32) (local $ptr i32) (local $counts v128)
    (local.set $rowA (i32.shl (local.get $k) (i32.const 2)))
    (local.set $idx (local.get $lists))
    (local.set $w (i32.add (local.get $lists) (i32.shl (i32.mul (i32.shr_u (local.get $m) (i32.const 2))
      (i32.shr_u (i32.add (local.get $k) (i32.const 127)) (i32.const 7))) (i32.const 3))))
    (local.set $row (local.get $a))
    (local.set $rowEnd (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $rowA))))
    (block $rDone (loop $rNext
      (br_if $rDone (i32.ge_u (local.get $row) (local.get $rowEnd)))
      (local.set $k0 (i32.const 0))
      (block $kbDone (loop $kbNext
        (br_if $kbDone (i32.ge_u (local.get $k0) (local.get $k)))
        (local.set $kc (select (i32.sub (local.get $k) (local.get $k0)) (i32.const 128)
          (i32.lt_u (i32.sub (local.get $k) (local.get $k0)) (i32.const 128))))
        (local.set $pEnd (i32.add (local.get $k0) (local.get $kc)))
        ;; count: 4 steps at a time, then the last ones one at a time (a vector would read past the last row)
        (local.set $p (local.get $k0))
        ;; (a lane of $counts counts its steps: ne gives -1 where listed)
        (local.set $counts (v128.const i32x4 0 0 0 0))
        (block $cDone (loop $cNext
          (br_if $cDone (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $pEnd)))
          (local.set $ptr (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2))))
          (local.set $counts (i32x4.sub (local.get $counts) (i32x4.ne (v128.and (v128.or
            (v128.or (v128.load (local.get $ptr)) (v128.load (i32.add (local.get $ptr) (local.get $rowA))))
            (v128.or (v128.load (i32.add (local.get $ptr) (i32.shl (local.get $rowA) (i32.const 1))))
              (v128.load (i32.add (local.get $ptr) (i32.mul (local.get $rowA) (i32.const 3))))))
            (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)) (v128.const i32x4 0 0 0 0))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $cNext)))
        (local.set $count (i32.add (i32.add (i32x4.extract_lane 0 (local.get $counts)) (i32x4.extract_lane 1 (local.get $counts)))
          (i32.add (i32x4.extract_lane 2 (local.get $counts)) (i32x4.extract_lane 3 (local.get $counts)))))
        (block $tDone (loop $tNext
          (br_if $tDone (i32.ge_u (local.get $p) (local.get $pEnd)))
          (local.set $count (i32.add (local.get $count)
            (call $nonzero1 (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2))) (local.get $rowA))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $tNext)))
        (if (i32.gt_u (i32.shl (local.get $count) (i32.const 3)) (i32.mul (local.get $kc) (local.get $eighths)))
          (then (i32.store (local.get $idx) (i32.const -1)))
          (else
            (local.set $start (local.get $w))
            (local.set $p (local.get $k0))
            (block $vDone (loop $vNext
              (br_if $vDone (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $pEnd)))
              (local.set $mask (call $nonzero4 (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2))) (local.get $rowA)))
              ;; each step written, the cursor moved past it only where listed: no branch on the mask, which
              ;; fresh data (a new batch each step) mispredicts
              (i32.store (local.get $w) (i32.shl (local.get $p) (i32.const 2)))
              (local.set $w (i32.add (local.get $w) (i32.shl (i32.and (local.get $mask) (i32.const 1)) (i32.const 2))))
              (i32.store (local.get $w) (i32.add (i32.shl (local.get $p) (i32.const 2)) (i32.const 4)))
              (local.set $w (i32.add (local.get $w) (i32.shl (i32.and (local.get $mask) (i32.const 2)) (i32.const 1))))
              (i32.store (local.get $w) (i32.add (i32.shl (local.get $p) (i32.const 2)) (i32.const 8)))
              (local.set $w (i32.add (local.get $w) (i32.and (local.get $mask) (i32.const 4))))
              (i32.store (local.get $w) (i32.add (i32.shl (local.get $p) (i32.const 2)) (i32.const 12)))
              (local.set $w (i32.add (local.get $w) (i32.shr_u (i32.and (local.get $mask) (i32.const 8)) (i32.const 1))))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br $vNext)))
            (block $sDone (loop $sNext
              (br_if $sDone (i32.ge_u (local.get $p) (local.get $pEnd)))
              (i32.store (local.get $w) (i32.shl (local.get $p) (i32.const 2)))
              (local.set $w (i32.add (local.get $w) (i32.shl
                (call $nonzero1 (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2))) (local.get $rowA))
                (i32.const 2))))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $sNext)))
            (i32.store (local.get $idx) (local.get $start))
            (i32.store offset=4 (local.get $idx) (local.get $w))
            (local.set $skipped (i32.add (local.get $skipped) (i32.sub (local.get $kc) (local.get $count))))))
        (local.set $idx (i32.add (local.get $idx) (i32.const 8)))
        (local.set $k0 (i32.add (local.get $k0) (i32.const 128)))
        (br $kbNext)))
      (local.set $row (i32.add (local.get $row) (i32.shl (local.get $rowA) (i32.const 2))))
      (br $rNext)))
    (local.get $skipped))

  ;; 1 where every one of the count floats at x is finite (no Infinity, no NaN), else 0.
  (func (export "allFinite") (param $x i32) (param $count i32) (result i32)
    (local $end i32) (local $bad v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $count) (i32.const 2))))
    (block $vDone (loop $vNext
      (br_if $vDone (i32.gt_u (i32.add (local.get $x) (i32.const 16)) (local.get $end)))
      (local.set $bad (v128.or (local.get $bad) (i32x4.eq
        (v128.and (v128.load (local.get $x)) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
        (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br $vNext)))
    (block $sDone (loop $sNext
      (br_if $sDone (i32.ge_u (local.get $x) (local.get $end)))
      (if (i32.eq (i32.and (i32.load (local.get $x)) (i32.const 0x7f800000)) (i32.const 0x7f800000))
        (then (return (i32.const 0))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (br $sNext)))
    (i32.eqz (v128.any_true (local.get $bad))))
