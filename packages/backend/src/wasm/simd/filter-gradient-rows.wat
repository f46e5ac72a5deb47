;; The gradient of a 2D convolution with respect to its filter, for few input channels (a network's
;; first layer: 1 or 3), from an input padded in width so that every tap of a position lies inside
;; its row. Along one filter row, the taps (kw, ci) of output position ow are one contiguous run of
;; `x` (`run` floats from `ow * step`), so they are taken 4 at a time whatever inC is:
;;   out[kh, j, co] += sum over b, oh, ow of x[b, oh*strideH + kh - padTop, ow*step + j] * dy[b, oh, ow, co]
;; for j in [0, run), run a multiple of 4 (`x` rows are `rowFloats` long, rows above and below the
;; image skipped). `out` is [fH, run, outC], zeroed by the caller; the filter gradient is its first
;; fW * inC taps of each kh. Needs outC % 8 == 0; every output sums over b, oh, ow in order.
;;
;; Each 4 taps x 8 output channels block of `out` lives in 8 vector registers while it sweeps one
;; row of dy (4 splats of x and 2 loads of dy per 8 multiply-adds).
(module
  (import "env" "memory" (memory 0))
  (func (export "filterGradientRows")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $batch i32) (param $inH i32) (param $rowFloats i32) (param $outH i32) (param $outW i32)
    (param $outC i32) (param $fH i32) (param $strideH i32) (param $step i32) (param $padTop i32)
    (param $run i32)
    (local $b i32) (local $oh i32) (local $kh i32) (local $j i32) (local $co i32) (local $row i32)
    (local $n i32) (local $xRow i32) (local $dyRow i32) (local $xp i32) (local $dp i32) (local $op i32)
    (local $rowB i32) (local $xStep i32)
    (local $d0 v128) (local $d1 v128) (local $a v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $rowB (i32.shl (local.get $outC) (i32.const 2)))
    (local.set $xStep (i32.shl (local.get $step) (i32.const 2)))
    (local.set $b (i32.const 0))
    (loop $bNext
      (local.set $oh (i32.const 0))
      (loop $ohNext
        ;; dy[b, oh, 0, 0]
        (local.set $dyRow (i32.add (local.get $dy) (i32.shl (i32.mul (i32.mul (i32.add (i32.mul
          (local.get $b) (local.get $outH)) (local.get $oh)) (local.get $outW)) (local.get $outC)) (i32.const 2))))
        (local.set $kh (i32.const 0))
        (loop $khNext
          (local.set $row (i32.sub (i32.add (i32.mul (local.get $oh) (local.get $strideH)) (local.get $kh))
            (local.get $padTop)))
          ;; Rows above and below the image add nothing (unsigned compare: a negative row is huge).
          (if (i32.lt_u (local.get $row) (local.get $inH)) (then
            ;; x[b, row, 0]
            (local.set $xRow (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (local.get $b)
              (local.get $inH)) (local.get $row)) (local.get $rowFloats)) (i32.const 2))))
            (local.set $j (i32.const 0))
            (loop $jNext
              (local.set $co (i32.const 0))
              (loop $coNext
                ;; out[kh, j .. j + 3, co .. co + 7]
                (local.set $op (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (i32.add (i32.mul
                  (local.get $kh) (local.get $run)) (local.get $j)) (local.get $outC)) (local.get $co)) (i32.const 2))))
                (local.set $acc0 (v128.load (local.get $op)))
                (local.set $acc1 (v128.load offset=16 (local.get $op)))
                (local.set $acc2 (v128.load (i32.add (local.get $op) (local.get $rowB))))
                (local.set $acc3 (v128.load offset=16 (i32.add (local.get $op) (local.get $rowB))))
                (local.set $acc4 (v128.load (i32.add (local.get $op) (i32.shl (local.get $rowB) (i32.const 1)))))
                (local.set $acc5 (v128.load offset=16 (i32.add (local.get $op) (i32.shl (local.get $rowB) (i32.const 1)))))
                (local.set $acc6 (v128.load (i32.add (local.get $op) (i32.mul (local.get $rowB) (i32.const 3)))))
                (local.set $acc7 (v128.load offset=16 (i32.add (local.get $op) (i32.mul (local.get $rowB) (i32.const 3)))))
                (local.set $xp (i32.add (local.get $xRow) (i32.shl (local.get $j) (i32.const 2))))
                (local.set $dp (i32.add (local.get $dyRow) (i32.shl (local.get $co) (i32.const 2))))
                (local.set $n (local.get $outW))
                (loop $owNext
                  (local.set $d0 (v128.load (local.get $dp)))
                  (local.set $d1 (v128.load offset=16 (local.get $dp)))
                  (local.set $a (v128.load32_splat (local.get $xp)))
                  (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $a) (local.get $d0))))
                  (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $a) (local.get $d1))))
                  (local.set $a (v128.load32_splat offset=4 (local.get $xp)))
                  (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $a) (local.get $d0))))
                  (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $a) (local.get $d1))))
                  (local.set $a (v128.load32_splat offset=8 (local.get $xp)))
                  (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $a) (local.get $d0))))
                  (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $a) (local.get $d1))))
                  (local.set $a (v128.load32_splat offset=12 (local.get $xp)))
                  (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $a) (local.get $d0))))
                  (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $a) (local.get $d1))))
                  (local.set $xp (i32.add (local.get $xp) (local.get $xStep)))
                  (local.set $dp (i32.add (local.get $dp) (local.get $rowB)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br_if $owNext (local.get $n)))
                (v128.store (local.get $op) (local.get $acc0))
                (v128.store offset=16 (local.get $op) (local.get $acc1))
                (local.set $op (i32.add (local.get $op) (local.get $rowB)))
                (v128.store (local.get $op) (local.get $acc2))
                (v128.store offset=16 (local.get $op) (local.get $acc3))
                (local.set $op (i32.add (local.get $op) (local.get $rowB)))
                (v128.store (local.get $op) (local.get $acc4))
                (v128.store offset=16 (local.get $op) (local.get $acc5))
                (local.set $op (i32.add (local.get $op) (local.get $rowB)))
                (v128.store (local.get $op) (local.get $acc6))
                (v128.store offset=16 (local.get $op) (local.get $acc7))
                (local.set $co (i32.add (local.get $co) (i32.const 8)))
                (br_if $coNext (i32.lt_s (local.get $co) (local.get $outC))))
              (local.set $j (i32.add (local.get $j) (i32.const 4)))
              (br_if $jNext (i32.lt_s (local.get $j) (local.get $run))))))
          (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
          (br_if $khNext (i32.lt_s (local.get $kh) (local.get $fH))))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br_if $ohNext (i32.lt_s (local.get $oh) (local.get $outH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bNext (i32.lt_s (local.get $b) (local.get $batch))))))
