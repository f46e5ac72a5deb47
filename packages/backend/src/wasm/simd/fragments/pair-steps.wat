;; Fragment, not a module: the lists per pair of rows of the float products (src/wasm/kernels/float-zero-skip.ts),
;; the same function in pair-steps.wat (one thread) and threaded-pair-steps.wat (the pool). Each takes it with the
;; line `;; @include fragments/pair-steps.wat` (scripts/wat-includes.mjs pastes it in before compiling).

  ;; Lists, for each pair of rows r (rows 2r and 2r + 1) of a[m, k] (m even) and each block of 256
  ;; steps of k, the steps p where a[2r, p] or a[2r + 1, p] is not ±0 (as p * 4, the step's byte
  ;; offset in a row), and returns how many it listed in all. At lists: m / 2 * ceil(k / 256) + 1
  ;; words, the address of the first listed step of pair r's block kb at word r * ceil(k / 256) + kb
  ;; (its steps end where the next block's begin); the steps follow from there on, at most m / 2 * k
  ;; words (every step written, the cursor moved past it only where listed).
  (func (export "pairSteps") (param $a i32) (param $lists i32) (param $m i32) (param $k i32) (result i32)
    (local $w i32) (local $first i32) (local $row i32) (local $end i32) (local $p i32) (local $mask i32)
    (local $vEnd i32) (local $pEnd i32) (local $rowA i32)
    (local.set $w (i32.add (local.get $lists) (i32.shl (i32.add (i32.mul (i32.shr_u (local.get $m) (i32.const 1))
      (i32.shr_u (i32.add (local.get $k) (i32.const 255)) (i32.const 8))) (i32.const 1)) (i32.const 2))))
    (local.set $first (local.get $w))
    (local.set $row (local.get $a))
    (local.set $rowA (i32.shl (local.get $k) (i32.const 2)))
    (local.set $end (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $rowA))))
    (block $rDone (loop $rNext
      (br_if $rDone (i32.ge_u (local.get $row) (local.get $end)))
      (local.set $p (i32.const 0))
      (block $bDone (loop $bNext
        (br_if $bDone (i32.ge_u (local.get $p) (local.get $rowA)))
        (i32.store (local.get $lists) (local.get $w))
        (local.set $lists (i32.add (local.get $lists) (i32.const 4)))
        ;; this block's steps end at byte pEnd of the row; 4 at a time up to vEnd, a bit per step not ±0
        (local.set $pEnd (select (local.get $rowA) (i32.add (local.get $p) (i32.const 1024))
          (i32.lt_u (i32.sub (local.get $rowA) (local.get $p)) (i32.const 1024))))
        (local.set $vEnd (i32.sub (local.get $pEnd) (i32.and (i32.sub (local.get $pEnd) (local.get $p)) (i32.const 15))))
        (block $vDone (loop $vNext
          (br_if $vDone (i32.ge_u (local.get $p) (local.get $vEnd)))
          (local.set $mask (i32x4.bitmask (i32x4.ne (v128.and (v128.or (v128.load (i32.add (local.get $row) (local.get $p)))
            (v128.load (i32.add (i32.add (local.get $row) (local.get $rowA)) (local.get $p))))
            (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)) (v128.const i32x4 0 0 0 0))))
          ;; each step written, the cursor moved past it only where listed: no branch on the mask, which
          ;; fresh data (a new batch each step) mispredicts (with a test on 15, listing a ReLU's output
          ;; [128, 512] took 32 us on fresh batches against 10 on one batch repeated)
          (i32.store (local.get $w) (local.get $p))
          (local.set $w (i32.add (local.get $w) (i32.shl (i32.and (local.get $mask) (i32.const 1)) (i32.const 2))))
          (i32.store (local.get $w) (i32.add (local.get $p) (i32.const 4)))
          (local.set $w (i32.add (local.get $w) (i32.shl (i32.and (local.get $mask) (i32.const 2)) (i32.const 1))))
          (i32.store (local.get $w) (i32.add (local.get $p) (i32.const 8)))
          (local.set $w (i32.add (local.get $w) (i32.and (local.get $mask) (i32.const 4))))
          (i32.store (local.get $w) (i32.add (local.get $p) (i32.const 12)))
          (local.set $w (i32.add (local.get $w) (i32.shr_u (i32.and (local.get $mask) (i32.const 8)) (i32.const 1))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br $vNext)))
        ;; the last k % 4 steps one at a time
        (block $sDone (loop $sNext
          (br_if $sDone (i32.ge_u (local.get $p) (local.get $pEnd)))
          (i32.store (local.get $w) (local.get $p))
          (local.set $w (i32.add (local.get $w) (i32.shl (i32.ne (i32.and (i32.or (i32.load (i32.add (local.get $row) (local.get $p)))
            (i32.load (i32.add (i32.add (local.get $row) (local.get $rowA)) (local.get $p))))
            (i32.const 0x7fffffff)) (i32.const 0)) (i32.const 2))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $sNext)))
        (br $bNext)))
      (local.set $row (i32.add (local.get $row) (i32.shl (local.get $rowA) (i32.const 1))))
      (br $rNext)))
    (i32.store (local.get $lists) (local.get $w))
    (i32.shr_u (i32.sub (local.get $w) (local.get $first)) (i32.const 2)))
