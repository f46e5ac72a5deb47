;; The Khatri-Rao contraction of CP-ALS (a transposed MTTKRP), on tfjs-backend-wasm's memory:
;;   out[r, c] = sum over b of left[r, b] * (sum over a of right[r, a] * x[b, a, c])
;; for x [before, after, cols], left [rows, before], right [rows, after], out [rows, cols], all
;; float32 and row-major; pointers are byte offsets. The Khatri-Rao product of left and right is
;; never formed: the inner sum over a runs in registers and is scaled by left[r, b] once per b.
;; Loaded by mttkrp-kernels.ts (its contract is there).
(module
  (import "env" "memory" (memory 0))

  ;; Rows in pairs (rows even), columns c < colsEnd in blocks of 16 (colsEnd % 16 == 0), after >= 1;
  ;; the caller computes any other rows and columns. Per block: 2 rows x 16 columns in 8 vector accumulators
  ;; while a runs; b outside the rows, so the [after, 16] panel of x stays in L1 across them.
  (func (export "khatriRaoContraction")
    (param $x i32) (param $left i32) (param $right i32) (param $out i32)
    (param $rows i32) (param $before i32) (param $after i32) (param $cols i32) (param $colsEnd i32)
    (local $c i32) (local $b i32) (local $r i32) (local $xb i32) (local $xp i32) (local $rp i32)
    (local $rEnd i32) (local $op i32) (local $rowX i32) (local $rowR i32) (local $rowO i32)
    (local $s v128) (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $rowX (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $rowR (i32.shl (local.get $after) (i32.const 2)))
    (local.set $rowO (local.get $rowX))
    (local.set $c (i32.const 0))
    (block $cDone (loop $cNext
      (br_if $cDone (i32.ge_u (local.get $c) (local.get $colsEnd)))
      (local.set $b (i32.const 0))
      (block $bDone (loop $bNext
        (br_if $bDone (i32.ge_u (local.get $b) (local.get $before)))
        ;; &x[b, 0, c]
        (local.set $xb (i32.add (local.get $x)
          (i32.shl (i32.add (i32.mul (i32.mul (local.get $b) (local.get $after)) (local.get $cols)) (local.get $c))
            (i32.const 2))))
        (local.set $r (i32.const 0))
        (block $rDone (loop $rNext
          (br_if $rDone (i32.ge_u (local.get $r) (local.get $rows)))
          (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
          (local.set $acc2 (v128.const i32x4 0 0 0 0)) (local.set $acc3 (v128.const i32x4 0 0 0 0))
          (local.set $acc4 (v128.const i32x4 0 0 0 0)) (local.set $acc5 (v128.const i32x4 0 0 0 0))
          (local.set $acc6 (v128.const i32x4 0 0 0 0)) (local.set $acc7 (v128.const i32x4 0 0 0 0))
          ;; &right[r, 0]; its next row is rowR further
          (local.set $rp (i32.add (local.get $right) (i32.mul (local.get $r) (local.get $rowR))))
          (local.set $rEnd (i32.add (local.get $rp) (local.get $rowR)))
          (local.set $xp (local.get $xb))
          (loop $aNext
            (local.set $x0 (v128.load (local.get $xp)))
            (local.set $x1 (v128.load offset=16 (local.get $xp)))
            (local.set $x2 (v128.load offset=32 (local.get $xp)))
            (local.set $x3 (v128.load offset=48 (local.get $xp)))
            (local.set $s (v128.load32_splat (local.get $rp)))
            (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $s) (local.get $x0))))
            (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $s) (local.get $x1))))
            (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $s) (local.get $x2))))
            (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $s) (local.get $x3))))
            (local.set $s (v128.load32_splat (i32.add (local.get $rp) (local.get $rowR))))
            (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $s) (local.get $x0))))
            (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $s) (local.get $x1))))
            (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $s) (local.get $x2))))
            (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $s) (local.get $x3))))
            (local.set $rp (i32.add (local.get $rp) (i32.const 4)))
            (local.set $xp (i32.add (local.get $xp) (local.get $rowX)))
            (br_if $aNext (i32.lt_u (local.get $rp) (local.get $rEnd))))
          ;; out[r, c..c+15] (+)= left[r, b] * acc (stored at b = 0, added after); inline, not a call
          ;; with 4 vector arguments: at 64^3 mode 3's product took 9% less CPU time
          (local.set $op (i32.add (local.get $out)
            (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))
          (local.set $s (v128.load32_splat (i32.add (local.get $left)
            (i32.shl (i32.add (i32.mul (local.get $r) (local.get $before)) (local.get $b)) (i32.const 2)))))
          (local.set $acc0 (f32x4.mul (local.get $s) (local.get $acc0)))
          (local.set $acc1 (f32x4.mul (local.get $s) (local.get $acc1)))
          (local.set $acc2 (f32x4.mul (local.get $s) (local.get $acc2)))
          (local.set $acc3 (f32x4.mul (local.get $s) (local.get $acc3)))
          (if (local.get $b)
            (then
              (local.set $acc0 (f32x4.add (v128.load (local.get $op)) (local.get $acc0)))
              (local.set $acc1 (f32x4.add (v128.load offset=16 (local.get $op)) (local.get $acc1)))
              (local.set $acc2 (f32x4.add (v128.load offset=32 (local.get $op)) (local.get $acc2)))
              (local.set $acc3 (f32x4.add (v128.load offset=48 (local.get $op)) (local.get $acc3)))))
          (v128.store (local.get $op) (local.get $acc0))
          (v128.store offset=16 (local.get $op) (local.get $acc1))
          (v128.store offset=32 (local.get $op) (local.get $acc2))
          (v128.store offset=48 (local.get $op) (local.get $acc3))
          (local.set $s (v128.load32_splat (i32.add (i32.add (local.get $left)
            (i32.shl (i32.add (i32.mul (local.get $r) (local.get $before)) (local.get $b)) (i32.const 2)))
            (i32.shl (local.get $before) (i32.const 2)))))
          (local.set $op (i32.add (local.get $op) (local.get $rowO)))
          (local.set $acc4 (f32x4.mul (local.get $s) (local.get $acc4)))
          (local.set $acc5 (f32x4.mul (local.get $s) (local.get $acc5)))
          (local.set $acc6 (f32x4.mul (local.get $s) (local.get $acc6)))
          (local.set $acc7 (f32x4.mul (local.get $s) (local.get $acc7)))
          (if (local.get $b)
            (then
              (local.set $acc4 (f32x4.add (v128.load (local.get $op)) (local.get $acc4)))
              (local.set $acc5 (f32x4.add (v128.load offset=16 (local.get $op)) (local.get $acc5)))
              (local.set $acc6 (f32x4.add (v128.load offset=32 (local.get $op)) (local.get $acc6)))
              (local.set $acc7 (f32x4.add (v128.load offset=48 (local.get $op)) (local.get $acc7)))))
          (v128.store (local.get $op) (local.get $acc4))
          (v128.store offset=16 (local.get $op) (local.get $acc5))
          (v128.store offset=32 (local.get $op) (local.get $acc6))
          (v128.store offset=48 (local.get $op) (local.get $acc7))
          (local.set $r (i32.add (local.get $r) (i32.const 2)))
          (br $rNext)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bNext)))
      (local.set $c (i32.add (local.get $c) (i32.const 16)))
      (br $cNext))))

;; The front modes' MTTKRPs from the partial product p [rows, stride] (each row's first
  ;; before * n * after values read as [before, n, after]), in float64 sums, rounded once at the end:
  ;;   out[r, i] = sum over b of left[r, b] * (sum over a of right[r, a] * p[r, b, i, a])
  ;; for left [rows, before], right [rows, after], out [rows, n]. With after = 1 four i at a time
  ;; (each sum in two f64x2), otherwise each dot over a four at a time.
  (func (export "rowContraction")
    (param $p i32) (param $left i32) (param $right i32) (param $out i32)
    (param $rows i32) (param $stride i32) (param $before i32) (param $n i32) (param $after i32)
    (local $r i32) (local $i i32) (local $b i32) (local $pr i32) (local $lr i32) (local $rr i32)
    (local $vecEnd i32) (local $v v128) (local $s v128) (local $acc0 v128) (local $acc1 v128)
    (local.set $r (i32.const 0))
    (block $rDone (loop $rNext
      (br_if $rDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $pr (i32.add (local.get $p) (i32.shl (i32.mul (local.get $r) (local.get $stride)) (i32.const 2))))
      (local.set $lr (i32.add (local.get $left) (i32.shl (i32.mul (local.get $r) (local.get $before)) (i32.const 2))))
      (local.set $rr (i32.add (local.get $right) (i32.shl (i32.mul (local.get $r) (local.get $after)) (i32.const 2))))
      (local.set $i (i32.const 0))
      (if (i32.eq (local.get $after) (i32.const 1))
        (then
          (local.set $vecEnd (i32.and (local.get $n) (i32.const -4)))
          (block $iDone (loop $iNext
            (br_if $iDone (i32.ge_u (local.get $i) (local.get $vecEnd)))
            (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
            (local.set $b (i32.const 0))
            (loop $bNext
              (local.set $s (f64x2.splat (f64.promote_f32 (f32.load
                (i32.add (local.get $lr) (i32.shl (local.get $b) (i32.const 2)))))))
              (local.set $v (v128.load (i32.add (local.get $pr)
                (i32.shl (i32.add (i32.mul (local.get $b) (local.get $n)) (local.get $i)) (i32.const 2)))))
              (local.set $acc0 (f64x2.add (local.get $acc0)
                (f64x2.mul (local.get $s) (f64x2.promote_low_f32x4 (local.get $v)))))
              (local.set $acc1 (f64x2.add (local.get $acc1)
                (f64x2.mul (local.get $s) (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))
              (br_if $bNext (i32.lt_u (local.get $b) (local.get $before))))
            ;; times right[r, 0], the one a
            (local.set $s (f64x2.splat (f64.promote_f32 (f32.load (local.get $rr)))))
            (local.set $acc0 (f64x2.mul (local.get $acc0) (local.get $s)))
            (local.set $acc1 (f64x2.mul (local.get $acc1) (local.get $s)))
            (v128.store (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n)) (local.get $i)) (i32.const 2)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $acc0)) (f32x4.demote_f64x2_zero (local.get $acc1))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $iNext)))))
      ;; the other i (all of them when after > 1): one dot over a per b
      (block $tDone (loop $tNext
        (br_if $tDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (local.set $b (i32.const 0))
        (loop $dotNext
          (local.set $acc0 (call $dot
            (i32.add (local.get $pr) (i32.shl (i32.mul (i32.add (i32.mul (local.get $b) (local.get $n)) (local.get $i))
              (local.get $after)) (i32.const 2)))
            (local.get $rr) (local.get $after)))
          (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $acc0) (f64x2.splat (f64.promote_f32
            (f32.load (i32.add (local.get $lr) (i32.shl (local.get $b) (i32.const 2)))))))))
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (br_if $dotNext (i32.lt_u (local.get $b) (local.get $before))))
        (f32.store (i32.add (local.get $out)
          (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n)) (local.get $i)) (i32.const 2)))
          (f32.demote_f64 (f64x2.extract_lane 0 (local.get $acc1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tNext)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rNext))))

  ;; sum over a < count of x[a] * y[a] (float32 arrays) in float64, in both lanes of the result.
  (func $dot (param $x i32) (param $y i32) (param $count i32) (result v128)
    (local $end i32) (local $vx v128) (local $vy v128) (local $sum0 v128) (local $sum1 v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $vDone (loop $vNext
      (br_if $vDone (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $vx (v128.load (local.get $x)))
      (local.set $vy (v128.load (local.get $y)))
      (local.set $sum0 (f64x2.add (local.get $sum0)
        (f64x2.mul (f64x2.promote_low_f32x4 (local.get $vx)) (f64x2.promote_low_f32x4 (local.get $vy)))))
      (local.set $sum1 (f64x2.add (local.get $sum1)
        (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vx) (local.get $vx)))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vy) (local.get $vy))))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br $vNext)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $count) (i32.const 3)) (i32.const 2))))
    (block $sDone (loop $sNext
      (br_if $sDone (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $sum0 (f64x2.replace_lane 0 (local.get $sum0) (f64.add (f64x2.extract_lane 0 (local.get $sum0))
        (f64.mul (f64.promote_f32 (f32.load (local.get $x))) (f64.promote_f32 (f32.load (local.get $y)))))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (br $sNext)))
    (local.set $sum0 (f64x2.add (local.get $sum0) (local.get $sum1)))
    (f64x2.splat (f64.add (f64x2.extract_lane 0 (local.get $sum0)) (f64x2.extract_lane 1 (local.get $sum0)))))
)
