;; Fragment, not a module: the register-blocked filter gradient, the same function in
;; filter-gradient-blocked.wat (one thread, exported there as filterGradientBlocked) and
;; threaded-filter-gradient-blocked.wat (the pool's chunks call it), so both give the same bits. Each
;; takes it with the line `;; @include fragments/filter-gradient-blocked.wat`.

  ;; The gradient of a 2D convolution with respect to its filter, register-blocked: accumulated into
  ;; `out` ([filterHeight, filterWidth, inChannels, outChannels], zeroed by the caller):
  ;;   out[kh, kw, ci, co] += sum over b, oh, ow of
  ;;     x[b, oh*strideH + kh*dilationH - padTop, ow*strideW + kw*dilationW - padLeft, ci] * dy[b, oh, ow, co]
  ;; (positions in the padding read zero, so they are skipped). Needs inChannels % 4 == 0 and
  ;; outChannels % 8 == 0. Pointers are byte offsets into the module's memory.
  ;;
  ;; Each 4 input channels x 8 output channels block of `out` lives in 8 vector registers while it
  ;; sweeps every output position of one image (4 splats of x and 2 loads of dy per 8 multiply-adds),
  ;; so `out` is read and written once per image and tap, not once per output row as in kernels.wat.
  ;; The image's dy (outH * outW * outChannels floats) is swept once per block and stays in cache.
  (func $filterGradientBlocked
    (param $x i32) (param $dy i32) (param $out i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $inC i32)
    (param $outH i32) (param $outW i32) (param $outC i32)
    (param $fH i32) (param $fW i32) (param $strideH i32) (param $strideW i32)
    (param $dilationH i32) (param $dilationW i32) (param $padTop i32) (param $padLeft i32)
    (local $b i32) (local $kh i32) (local $kw i32) (local $ci i32) (local $co i32) (local $oh i32)
    (local $row i32) (local $col0 i32) (local $first i32) (local $end i32) (local $n i32)
    (local $xImage i32) (local $dyImage i32) (local $xp i32) (local $dp i32) (local $op i32)
    (local $xStep i32) (local $dyStep i32) (local $rowB i32)
    (local $d0 v128) (local $d1 v128) (local $a v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $xStep (i32.shl (i32.mul (local.get $strideW) (local.get $inC)) (i32.const 2)))
    (local.set $dyStep (i32.shl (local.get $outC) (i32.const 2)))
    (local.set $rowB (local.get $dyStep))
    (local.set $b (i32.const 0))
    (loop $batchNext
      ;; x[b, 0, 0, 0] and dy[b, 0, 0, 0]
      (local.set $xImage (i32.add (local.get $x) (i32.shl (i32.mul (local.get $b)
        (i32.mul (i32.mul (local.get $inH) (local.get $inW)) (local.get $inC))) (i32.const 2))))
      (local.set $dyImage (i32.add (local.get $dy) (i32.shl (i32.mul (local.get $b)
        (i32.mul (i32.mul (local.get $outH) (local.get $outW)) (local.get $outC))) (i32.const 2))))
      (local.set $kh (i32.const 0))
      (loop $khNext
        (local.set $kw (i32.const 0))
        (loop $kwNext
          ;; Output columns [first, end) read inside the image: col0 + ow*strideW in [0, inW).
          (local.set $col0 (i32.sub (i32.mul (local.get $kw) (local.get $dilationW)) (local.get $padLeft)))
          (local.set $first (i32.const 0))
          (if (i32.lt_s (local.get $col0) (i32.const 0)) (then
            (local.set $first (i32.div_s
              (i32.add (i32.sub (i32.const 0) (local.get $col0)) (i32.sub (local.get $strideW) (i32.const 1)))
              (local.get $strideW)))))
          (local.set $n (i32.sub (local.get $inW) (local.get $col0)))
          (local.set $end (i32.const 0))
          (if (i32.gt_s (local.get $n) (i32.const 0)) (then
            (local.set $end (i32.div_s (i32.add (local.get $n) (i32.sub (local.get $strideW) (i32.const 1)))
              (local.get $strideW)))))
          (if (i32.gt_s (local.get $end) (local.get $outW)) (then (local.set $end (local.get $outW))))
          (if (i32.lt_s (local.get $first) (local.get $end)) (then
            (local.set $ci (i32.const 0))
            (loop $ciNext
              (local.set $co (i32.const 0))
              (loop $coNext
                ;; out[kh, kw, ci, co]: rows ci .. ci + 3, 8 columns each.
                (local.set $op (i32.add (local.get $out) (i32.shl (i32.add (i32.mul
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $fW)) (local.get $kw))
                    (local.get $inC)) (local.get $ci)) (local.get $outC)) (local.get $co)) (i32.const 2))))
                (local.set $acc0 (v128.load (local.get $op)))
                (local.set $acc1 (v128.load offset=16 (local.get $op)))
                (local.set $acc2 (v128.load (i32.add (local.get $op) (local.get $rowB))))
                (local.set $acc3 (v128.load offset=16 (i32.add (local.get $op) (local.get $rowB))))
                (local.set $acc4 (v128.load (i32.add (local.get $op) (i32.shl (local.get $rowB) (i32.const 1)))))
                (local.set $acc5 (v128.load offset=16 (i32.add (local.get $op) (i32.shl (local.get $rowB) (i32.const 1)))))
                (local.set $acc6 (v128.load (i32.add (local.get $op) (i32.mul (local.get $rowB) (i32.const 3)))))
                (local.set $acc7 (v128.load offset=16 (i32.add (local.get $op) (i32.mul (local.get $rowB) (i32.const 3)))))
                (local.set $oh (i32.const 0))
                (loop $ohNext
                  (local.set $row (i32.sub (i32.add (i32.mul (local.get $oh) (local.get $strideH))
                    (i32.mul (local.get $kh) (local.get $dilationH))) (local.get $padTop)))
                  ;; Rows in the padding add nothing (unsigned compare: a negative row is huge).
                  (if (i32.lt_u (local.get $row) (local.get $inH)) (then
                    ;; x[b, row, col0 + first*strideW, ci] and dy[b, oh, first, co]
                    (local.set $xp (i32.add (local.get $xImage) (i32.shl (i32.add (i32.mul (i32.add
                      (i32.mul (local.get $row) (local.get $inW))
                      (i32.add (local.get $col0) (i32.mul (local.get $first) (local.get $strideW))))
                      (local.get $inC)) (local.get $ci)) (i32.const 2))))
                    (local.set $dp (i32.add (local.get $dyImage) (i32.shl (i32.add (i32.mul
                      (i32.add (i32.mul (local.get $oh) (local.get $outW)) (local.get $first))
                      (local.get $outC)) (local.get $co)) (i32.const 2))))
                    (local.set $n (i32.sub (local.get $end) (local.get $first)))
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
                      (local.set $dp (i32.add (local.get $dp) (local.get $dyStep)))
                      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                      (br_if $owNext (i32.gt_s (local.get $n) (i32.const 0))))))
                  (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
                  (br_if $ohNext (i32.lt_s (local.get $oh) (local.get $outH))))
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
              (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
              (br_if $ciNext (i32.lt_s (local.get $ci) (local.get $inC))))))
          (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
          (br_if $kwNext (i32.lt_s (local.get $kw) (local.get $fW))))
        (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
        (br_if $khNext (i32.lt_s (local.get $kh) (local.get $fH))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $batchNext (i32.lt_s (local.get $b) (local.get $batch)))))
