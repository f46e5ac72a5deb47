;; Fragment, not a module: the copy of one panel of 16 columns of b that the one-thread float products over
;; lists walk (pair-steps.wat's pairs of rows, row-steps.wat's single rows). Each takes it with the line
;; `;; @include fragments/panel-copy.wat` (scripts/wat-includes.mjs pastes it in before compiling).

  ;; Copies columns j / 4 .. j / 4 + 16 of b[k, n] (j: the panel's byte offset in a row of out; rowA = k * 4,
  ;; rowB = n * 4) to panel: k rows of 64 bytes (in place, b's rows n floats apart would map to few cache
  ;; sets). flags & 1: b is given transposed, as bT[n, k] (dy . W^T with W as it lies): the panel's 16
  ;; columns are 16 rows of bT, transposed 4 x 4 as they are copied (no separate transpose pass). Returns 1
  ;; where the panel holds an Infinity or a NaN (0 x Infinity is NaN: its products must walk every step) or
  ;; where flags & 2 asks every step to be walked, else 0.
  (func $copyPanel (param $b i32) (param $j i32) (param $rowA i32) (param $rowB i32) (param $panel i32) (param $flags i32)
    (result i32)
    (local $dEnd i32) (local $bad v128) (local $badS i32) (local $v v128) (local $k4 i32) (local $g i32) (local $q i32)
    (local $src i32) (local $dst i32) (local $s i32) (local $c i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $t0 v128) (local $t1 v128)
    (local.set $dEnd (i32.add (local.get $panel) (i32.shl (local.get $rowA) (i32.const 4))))
    ;; (bad: lanes whose exponent is all ones, an Infinity or a NaN)
    (local.set $bad (v128.const i32x4 0 0 0 0))
    (local.set $badS (i32.const 0))
    (if (i32.and (local.get $flags) (i32.const 1))
      (then
        ;; panel[p, c] = bT[j / 4 + c, p]: 4 rows of bT at a time, 4 steps at a time, transposed 4 x 4
        (local.set $k4 (i32.and (local.get $rowA) (i32.const -16)))
        (local.set $g (i32.const 0))
        (loop $gNext
          ;; rows j / 4 + g .. + 4 of bT (g counts bytes of the panel's row: 16 per 4 columns)
          (local.set $src (i32.add (local.get $b) (i32.mul (i32.add (i32.shr_u (local.get $j) (i32.const 2))
            (i32.shr_u (local.get $g) (i32.const 2))) (local.get $rowA))))
          (local.set $q (i32.const 0))
          (block $qDone (loop $qNext
            (br_if $qDone (i32.ge_u (local.get $q) (local.get $k4)))
            (local.set $s (i32.add (local.get $src) (local.get $q)))
            (local.set $v0 (v128.load (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $rowA)))
            (local.set $v1 (v128.load (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $rowA)))
            (local.set $v2 (v128.load (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $rowA)))
            (local.set $v3 (v128.load (local.get $s)))
            (local.set $bad (v128.or (local.get $bad) (v128.or
              (v128.or (i32x4.eq (v128.and (local.get $v0) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                (i32x4.eq (v128.and (local.get $v1) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000)))
              (v128.or (i32x4.eq (v128.and (local.get $v2) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                (i32x4.eq (v128.and (local.get $v3) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))))
            ;; panel rows p .. p + 4 (p = q / 4, 64 bytes each), bytes g .. g + 16
            (local.set $dst (i32.add (i32.add (local.get $panel) (i32.shl (local.get $q) (i32.const 4))) (local.get $g)))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
            (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
            (v128.store offset=0 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
            (v128.store offset=64 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
            (local.set $t0 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
            (v128.store offset=128 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
            (v128.store offset=192 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br $qNext)))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (br_if $gNext (i32.lt_u (local.get $g) (i32.const 64))))
        ;; the last k % 4 steps, one float at a time
        (block $tDone (loop $tNext
          (br_if $tDone (i32.ge_u (local.get $q) (local.get $rowA)))
          (local.set $src (i32.add (i32.add (local.get $b) (i32.mul (i32.shr_u (local.get $j) (i32.const 2)) (local.get $rowA)))
            (local.get $q)))
          (local.set $dst (i32.add (local.get $panel) (i32.shl (local.get $q) (i32.const 4))))
          (local.set $c (i32.const 0))
          (loop $cTail
            (local.set $s (i32.load (local.get $src)))
            (i32.store (local.get $dst) (local.get $s))
            (local.set $badS (i32.or (local.get $badS) (i32.eq (i32.and (local.get $s) (i32.const 0x7f800000))
              (i32.const 0x7f800000))))
            (local.set $src (i32.add (local.get $src) (local.get $rowA)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br_if $cTail (i32.lt_u (local.get $c) (i32.const 16))))
          (local.set $q (i32.add (local.get $q) (i32.const 4)))
          (br $tNext))))
      (else
    ;; panel[p, 0..16) = b[p, j..j+16)
    (local.set $src (i32.add (local.get $b) (local.get $j)))
    (local.set $dst (local.get $panel))
    (loop $cNext
      (local.set $v (v128.load offset=0 (local.get $src)))
      (v128.store offset=0 (local.get $dst) (local.get $v))
      (local.set $bad (v128.or (local.get $bad) (i32x4.eq (v128.and (local.get $v)
        (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000)) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
      (local.set $v (v128.load offset=16 (local.get $src)))
      (v128.store offset=16 (local.get $dst) (local.get $v))
      (local.set $bad (v128.or (local.get $bad) (i32x4.eq (v128.and (local.get $v)
        (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000)) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
      (local.set $v (v128.load offset=32 (local.get $src)))
      (v128.store offset=32 (local.get $dst) (local.get $v))
      (local.set $bad (v128.or (local.get $bad) (i32x4.eq (v128.and (local.get $v)
        (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000)) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
      (local.set $v (v128.load offset=48 (local.get $src)))
      (v128.store offset=48 (local.get $dst) (local.get $v))
      (local.set $bad (v128.or (local.get $bad) (i32x4.eq (v128.and (local.get $v)
        (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000)) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
      (local.set $src (i32.add (local.get $src) (local.get $rowB)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
      (br_if $cNext (i32.lt_u (local.get $dst) (local.get $dEnd))))))
    (i32.or (i32.or (v128.any_true (local.get $bad)) (local.get $badS))
      (i32.shr_u (i32.and (local.get $flags) (i32.const 2)) (i32.const 1))))
