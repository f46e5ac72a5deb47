;; Fragment, not a module: the direct stride-1 convolution, the same function in direct-conv.wat
;; (one thread, exported there as directConv) and threaded-direct-conv.wat (the pool's chunks call it),
;; so both give the same bits. Each takes it with the line `;; @include fragments/direct-conv.wat`.

  ;; A 2D correlation at stride 1 and dilation 1, straight from the input where it lies (no patch
  ;; matrix, no padded copy), with an optional per-channel bias and relu:
  ;;   out[b, oh, ow, co] = bias[co] + sum over kh, kw, ci of
  ;;     x[b, oh + kh - padTop, ow + kw - padLeft, ci] * w[kh, kw, ci, co]
  ;; for images [b0, b0 + count), positions in the padding skipped (they read zero). NHWC, `w` is
  ;; [fH, fW, inC, outC]; needs outC % 8 == 0 and every size >= 1. flags: 1 bias, 2 relu. Each sum
  ;; runs over (kh, kw, ci) in order, whatever the blocking. Pointers are byte offsets into memory.
  ;;
  ;; Per output row and block of 8 output channels: 4 adjacent positions whose taps all lie inside the
  ;; row keep 8 vector accumulators (4 splats of x and 2 loads of w per 8 multiply-adds); the others
  ;; (near the edges) one position at a time over their taps inside the image. Along one filter row
  ;; the (kw, ci) of a position are one contiguous run of x, and of w with a stride of outC.
  (func $directConv
    (param $x i32) (param $w i32) (param $bias i32) (param $out i32) (param $flags i32)
    (param $b0 i32) (param $count i32) (param $inH i32) (param $inW i32) (param $inC i32)
    (param $outH i32) (param $outW i32) (param $outC i32) (param $fH i32) (param $fW i32)
    (param $padTop i32) (param $padLeft i32)
    (local $b i32) (local $oh i32) (local $ow i32) (local $co i32) (local $kh i32) (local $row i32)
    (local $kw0 i32) (local $kw1 i32) (local $n i32) (local $j i32) (local $xp i32) (local $wp i32)
    (local $op i32) (local $px i32) (local $wStep i32) (local $runEnd i32) (local $xImage i32)
    (local $w0 v128) (local $w1 v128) (local $a v128) (local $z v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $wStep (i32.shl (local.get $outC) (i32.const 2)))
    (local.set $px (i32.shl (local.get $inC) (i32.const 2)))
    ;; The last position whose whole filter row lies inside the row, plus one.
    (local.set $runEnd (i32.add (i32.sub (local.get $inW) (local.get $fW)) (i32.add (local.get $padLeft) (i32.const 1))))
    (if (i32.gt_s (local.get $runEnd) (local.get $outW)) (then (local.set $runEnd (local.get $outW))))
    (local.set $b (local.get $b0))
    (loop $bNext
      (local.set $xImage (i32.add (local.get $x) (i32.shl (i32.mul (local.get $b)
        (i32.mul (i32.mul (local.get $inH) (local.get $inW)) (local.get $inC))) (i32.const 2))))
      (local.set $oh (i32.const 0))
      (loop $ohNext
        (local.set $co (i32.const 0))
        (loop $coNext
          (local.set $ow (i32.const 0))
          (loop $owNext
            ;; op: out[b, oh, ow, co]
            (local.set $op (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (i32.add (i32.mul
              (i32.add (i32.mul (local.get $b) (local.get $outH)) (local.get $oh)) (local.get $outW))
              (local.get $ow)) (local.get $outC)) (local.get $co)) (i32.const 2))))
            (local.set $acc0 (v128.const i32x4 0 0 0 0))
            (local.set $acc1 (v128.const i32x4 0 0 0 0))
            (if (i32.and (local.get $flags) (i32.const 1)) (then
              (local.set $acc0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $co) (i32.const 2)))))
              (local.set $acc1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $co) (i32.const 2)))))))
            (if (i32.and (i32.ge_s (local.get $ow) (local.get $padLeft))
                  (i32.le_s (i32.add (local.get $ow) (i32.const 4)) (local.get $runEnd))) (then
              ;; 4 positions ow .. ow + 3, every tap of their filter rows inside the row.
              (local.set $acc2 (local.get $acc0)) (local.set $acc3 (local.get $acc1))
              (local.set $acc4 (local.get $acc0)) (local.set $acc5 (local.get $acc1))
              (local.set $acc6 (local.get $acc0)) (local.set $acc7 (local.get $acc1))
              (local.set $kh (i32.const 0))
              (loop $khNext
                (local.set $row (i32.sub (i32.add (local.get $oh) (local.get $kh)) (local.get $padTop)))
                (if (i32.lt_u (local.get $row) (local.get $inH)) (then
                  ;; x[b, row, ow - padLeft, 0] and w[kh, 0, 0, co]
                  (local.set $xp (i32.add (local.get $xImage) (i32.shl (i32.mul (i32.add (i32.mul
                    (local.get $row) (local.get $inW)) (i32.sub (local.get $ow) (local.get $padLeft)))
                    (local.get $inC)) (i32.const 2))))
                  (local.set $wp (i32.add (local.get $w) (i32.shl (i32.add (i32.mul (i32.mul (i32.mul
                    (local.get $kh) (local.get $fW)) (local.get $inC)) (local.get $outC)) (local.get $co))
                    (i32.const 2))))
                  (local.set $n (i32.mul (local.get $fW) (local.get $inC)))
                  (loop $jNext
                    (local.set $w0 (v128.load (local.get $wp)))
                    (local.set $w1 (v128.load offset=16 (local.get $wp)))
                    (local.set $a (v128.load32_splat (local.get $xp)))
                    (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $a) (local.get $w0))))
                    (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $a) (local.get $w1))))
                    (local.set $a (v128.load32_splat (i32.add (local.get $xp) (local.get $px))))
                    (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $a) (local.get $w0))))
                    (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $a) (local.get $w1))))
                    (local.set $a (v128.load32_splat (i32.add (local.get $xp) (i32.shl (local.get $px) (i32.const 1)))))
                    (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $a) (local.get $w0))))
                    (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $a) (local.get $w1))))
                    (local.set $a (v128.load32_splat (i32.add (local.get $xp) (i32.mul (local.get $px) (i32.const 3)))))
                    (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $a) (local.get $w0))))
                    (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $a) (local.get $w1))))
                    (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                    (local.set $wp (i32.add (local.get $wp) (local.get $wStep)))
                    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                    (br_if $jNext (local.get $n)))))
                (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
                (br_if $khNext (i32.lt_s (local.get $kh) (local.get $fH))))
              (if (i32.and (local.get $flags) (i32.const 2)) (then
                (local.set $z (v128.const i32x4 0 0 0 0))
                (local.set $acc2 (f32x4.max (local.get $acc2) (local.get $z)))
                (local.set $acc3 (f32x4.max (local.get $acc3) (local.get $z)))
                (local.set $acc4 (f32x4.max (local.get $acc4) (local.get $z)))
                (local.set $acc5 (f32x4.max (local.get $acc5) (local.get $z)))
                (local.set $acc6 (f32x4.max (local.get $acc6) (local.get $z)))
                (local.set $acc7 (f32x4.max (local.get $acc7) (local.get $z)))))
              (v128.store (i32.add (local.get $op) (local.get $wStep)) (local.get $acc2))
              (v128.store offset=16 (i32.add (local.get $op) (local.get $wStep)) (local.get $acc3))
              (v128.store (i32.add (local.get $op) (i32.shl (local.get $wStep) (i32.const 1))) (local.get $acc4))
              (v128.store offset=16 (i32.add (local.get $op) (i32.shl (local.get $wStep) (i32.const 1))) (local.get $acc5))
              (v128.store (i32.add (local.get $op) (i32.mul (local.get $wStep) (i32.const 3))) (local.get $acc6))
              (v128.store offset=16 (i32.add (local.get $op) (i32.mul (local.get $wStep) (i32.const 3))) (local.get $acc7))
              (local.set $ow (i32.add (local.get $ow) (i32.const 3))))
            (else
              ;; One position: its taps kw in [kw0, kw1) inside the row.
              (local.set $kw0 (i32.sub (local.get $padLeft) (local.get $ow)))
              (if (i32.lt_s (local.get $kw0) (i32.const 0)) (then (local.set $kw0 (i32.const 0))))
              (local.set $kw1 (i32.add (i32.sub (local.get $inW) (local.get $ow)) (local.get $padLeft)))
              (if (i32.gt_s (local.get $kw1) (local.get $fW)) (then (local.set $kw1 (local.get $fW))))
              (if (i32.lt_s (local.get $kw0) (local.get $kw1)) (then
                (local.set $acc2 (v128.const i32x4 0 0 0 0))
                (local.set $acc3 (v128.const i32x4 0 0 0 0))
                (local.set $kh (i32.const 0))
                (loop $khOne
                  (local.set $row (i32.sub (i32.add (local.get $oh) (local.get $kh)) (local.get $padTop)))
                  (if (i32.lt_u (local.get $row) (local.get $inH)) (then
                    ;; x[b, row, ow + kw0 - padLeft, 0] and w[kh, kw0, 0, co]
                    (local.set $xp (i32.add (local.get $xImage) (i32.shl (i32.mul (i32.add (i32.mul
                      (local.get $row) (local.get $inW)) (i32.sub (i32.add (local.get $ow) (local.get $kw0))
                      (local.get $padLeft))) (local.get $inC)) (i32.const 2))))
                    (local.set $wp (i32.add (local.get $w) (i32.shl (i32.add (i32.mul (i32.mul (i32.add
                      (i32.mul (local.get $kh) (local.get $fW)) (local.get $kw0)) (local.get $inC))
                      (local.get $outC)) (local.get $co)) (i32.const 2))))
                    (local.set $n (i32.mul (i32.sub (local.get $kw1) (local.get $kw0)) (local.get $inC)))
                    ;; Two taps at a time into two pairs of accumulators (added at the end), so that
                    ;; the multiply-adds do not wait on each other; an odd first tap alone.
                    (if (i32.and (local.get $n) (i32.const 1)) (then
                      (local.set $a (v128.load32_splat (local.get $xp)))
                      (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $a) (v128.load (local.get $wp)))))
                      (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $wp)))))
                      (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                      (local.set $wp (i32.add (local.get $wp) (local.get $wStep)))))
                    (local.set $n (i32.shr_u (local.get $n) (i32.const 1)))
                    (if (local.get $n) (then
                      (loop $jOne
                        (local.set $a (v128.load32_splat (local.get $xp)))
                        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $a) (v128.load (local.get $wp)))))
                        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $wp)))))
                        (local.set $a (v128.load32_splat offset=4 (local.get $xp)))
                        (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $a) (v128.load (i32.add (local.get $wp) (local.get $wStep))))))
                        (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $a) (v128.load offset=16 (i32.add (local.get $wp) (local.get $wStep))))))
                        (local.set $xp (i32.add (local.get $xp) (i32.const 8)))
                        (local.set $wp (i32.add (local.get $wp) (i32.shl (local.get $wStep) (i32.const 1))))
                        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                        (br_if $jOne (local.get $n)))))))
                  (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
                  (br_if $khOne (i32.lt_s (local.get $kh) (local.get $fH))))
                (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $acc2)))
                (local.set $acc1 (f32x4.add (local.get $acc1) (local.get $acc3)))))))
            (if (i32.and (local.get $flags) (i32.const 2)) (then
              (local.set $z (v128.const i32x4 0 0 0 0))
              (local.set $acc0 (f32x4.max (local.get $acc0) (local.get $z)))
              (local.set $acc1 (f32x4.max (local.get $acc1) (local.get $z)))))
            (v128.store (local.get $op) (local.get $acc0))
            (v128.store offset=16 (local.get $op) (local.get $acc1))
            (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
            (br_if $owNext (i32.lt_s (local.get $ow) (local.get $outW))))
          (local.set $co (i32.add (local.get $co) (i32.const 8)))
          (br_if $coNext (i32.lt_s (local.get $co) (local.get $outC))))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br_if $ohNext (i32.lt_s (local.get $oh) (local.get $outH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $bNext (i32.lt_s (local.get $b) (i32.add (local.get $b0) (local.get $count))))))
