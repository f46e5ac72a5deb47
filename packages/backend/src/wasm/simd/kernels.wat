;; tensorfold's hand-written WASM SIMD kernels. They run on tfjs-backend-wasm's own memory (imported
;; as env.memory), so they read and write tensors where they lie, with no copies. Every pointer is a
;; byte offset into that memory; every tensor is float32, row-major, channels last (NHWC).
;;
;; Compiled to bytes by scripts/compile-simd-kernels.mjs (with wabt, at install and build time) into
;; src/wasm/simd/generated/; loaded by simd-kernels.ts, which also holds each function's contract.
(module
  (import "env" "memory" (memory 0))

  ;; The gradient of a 2D convolution with respect to its filter, accumulated into `out`
  ;; ([filterHeight, filterWidth, inChannels, outChannels], zeroed by the caller):
  ;;   out[kh, kw, ci, co] += sum over b, oh, ow of
  ;;     x[b, oh*strideH + kh*dilationH - padTop, ow*strideW + kw*dilationW - padLeft, ci] * dy[b, oh, ow, co]
  ;; (positions in the padding read zero, so they are skipped). Needs outChannels % 4 == 0.
  ;;
  ;; Loop order: each output row of dy (b, oh) is visited once, and while it sits in the L1 cache
  ;; every tap (kh, kw, ci) sweeps it, 16, 8 or 4 output channels at a time in vector accumulators.
  (func (export "filterGradient")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $inC i32)
    (param $outH i32) (param $outW i32) (param $outC i32)
    (param $fH i32) (param $fW i32) (param $strideH i32) (param $strideW i32)
    (param $dilationH i32) (param $dilationW i32) (param $padTop i32) (param $padLeft i32)
    (local $b i32) (local $oh i32) (local $kh i32) (local $kw i32) (local $ci i32) (local $cb i32)
    (local $row i32) (local $col0 i32) (local $first i32) (local $end i32) (local $n i32) (local $count i32)
    (local $xp i32) (local $dp i32) (local $op i32) (local $xStep i32) (local $dyStep i32)
    (local $dyRow i32) (local $xRow i32)
    (local $xv v128) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    ;; Bytes between horizontally adjacent output positions: in x, and in dy.
    (local.set $xStep (i32.shl (i32.mul (local.get $strideW) (local.get $inC)) (i32.const 2)))
    (local.set $dyStep (i32.shl (local.get $outC) (i32.const 2)))
    (local.set $b (i32.const 0))
    (block $batchDone (loop $batchNext
      (br_if $batchDone (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $oh (i32.const 0))
      (block $ohDone (loop $ohNext
        (br_if $ohDone (i32.ge_s (local.get $oh) (local.get $outH)))
        ;; dy[b, oh, 0, 0]
        (local.set $dyRow (i32.add (local.get $dy) (i32.shl
          (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $outH)) (local.get $oh))
            (local.get $outW)) (local.get $outC)) (i32.const 2))))
        (local.set $kh (i32.const 0))
        (block $khDone (loop $khNext
          (br_if $khDone (i32.ge_s (local.get $kh) (local.get $fH)))
          (local.set $row (i32.sub (i32.add (i32.mul (local.get $oh) (local.get $strideH))
            (i32.mul (local.get $kh) (local.get $dilationH))) (local.get $padTop)))
          ;; Rows in the padding add nothing (unsigned compare: a negative row is huge).
          (if (i32.lt_u (local.get $row) (local.get $inH)) (then
            ;; x[b, row, 0, 0]
            (local.set $xRow (i32.add (local.get $x) (i32.shl
              (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH)) (local.get $row))
                (local.get $inW)) (local.get $inC)) (i32.const 2))))
            (local.set $kw (i32.const 0))
            (block $kwDone (loop $kwNext
              (br_if $kwDone (i32.ge_s (local.get $kw) (local.get $fW)))
              ;; Output columns [first, end) read inside the image: col0 + ow*strideW in [0, inW).
              (local.set $col0 (i32.sub (i32.mul (local.get $kw) (local.get $dilationW)) (local.get $padLeft)))
              (local.set $first (i32.const 0))
              (if (i32.lt_s (local.get $col0) (i32.const 0)) (then
                (local.set $first (i32.div_s
                  (i32.add (i32.sub (i32.const 0) (local.get $col0)) (i32.sub (local.get $strideW) (i32.const 1)))
                  (local.get $strideW)))))
              (if (i32.gt_s (local.get $first) (local.get $outW)) (then (local.set $first (local.get $outW))))
              ;; end = ceil((inW - col0) / strideW), clamped to [first, outW]
              (local.set $n (i32.sub (local.get $inW) (local.get $col0)))
              (if (i32.gt_s (local.get $n) (i32.const 0))
                (then (local.set $end (i32.div_s (i32.add (local.get $n) (i32.sub (local.get $strideW) (i32.const 1)))
                  (local.get $strideW))))
                (else (local.set $end (i32.div_s (local.get $n) (local.get $strideW)))))
              (if (i32.gt_s (local.get $end) (local.get $outW)) (then (local.set $end (local.get $outW))))
              (local.set $count (i32.sub (local.get $end) (local.get $first)))
              (if (i32.gt_s (local.get $count) (i32.const 0)) (then
                (local.set $ci (i32.const 0))
                (block $ciDone (loop $ciNext
                  (br_if $ciDone (i32.ge_s (local.get $ci) (local.get $inC)))
                  (local.set $cb (i32.const 0))
                  (block $cbDone (loop $cbNext
                    (br_if $cbDone (i32.ge_s (local.get $cb) (local.get $outC)))
                    ;; out[kh, kw, ci, cb]
                    (local.set $op (i32.add (local.get $out) (i32.shl (i32.add (i32.mul
                      (i32.add (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $fW)) (local.get $kw))
                        (local.get $inC)) (local.get $ci)) (local.get $outC)) (local.get $cb)) (i32.const 2))))
                    ;; x[b, row, col0 + first*strideW, ci] and dy[b, oh, first, cb]
                    (local.set $xp (i32.add (local.get $xRow) (i32.shl (i32.add
                      (i32.mul (i32.add (local.get $col0) (i32.mul (local.get $first) (local.get $strideW)))
                        (local.get $inC)) (local.get $ci)) (i32.const 2))))
                    (local.set $dp (i32.add (local.get $dyRow) (i32.shl (i32.add
                      (i32.mul (local.get $first) (local.get $outC)) (local.get $cb)) (i32.const 2))))
                    (local.set $n (local.get $count))
                    (if (i32.ge_s (i32.sub (local.get $outC) (local.get $cb)) (i32.const 16))
                      (then
                        ;; 16 output channels.
                        (local.set $acc0 (v128.load (local.get $op)))
                        (local.set $acc1 (v128.load offset=16 (local.get $op)))
                        (local.set $acc2 (v128.load offset=32 (local.get $op)))
                        (local.set $acc3 (v128.load offset=48 (local.get $op)))
                        (loop $owNext16
                          (local.set $xv (f32x4.splat (f32.load (local.get $xp))))
                          (local.set $acc0 (f32x4.add (local.get $acc0)
                            (f32x4.mul (local.get $xv) (v128.load (local.get $dp)))))
                          (local.set $acc1 (f32x4.add (local.get $acc1)
                            (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $dp)))))
                          (local.set $acc2 (f32x4.add (local.get $acc2)
                            (f32x4.mul (local.get $xv) (v128.load offset=32 (local.get $dp)))))
                          (local.set $acc3 (f32x4.add (local.get $acc3)
                            (f32x4.mul (local.get $xv) (v128.load offset=48 (local.get $dp)))))
                          (local.set $xp (i32.add (local.get $xp) (local.get $xStep)))
                          (local.set $dp (i32.add (local.get $dp) (local.get $dyStep)))
                          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                          (br_if $owNext16 (i32.gt_s (local.get $n) (i32.const 0))))
                        (v128.store (local.get $op) (local.get $acc0))
                        (v128.store offset=16 (local.get $op) (local.get $acc1))
                        (v128.store offset=32 (local.get $op) (local.get $acc2))
                        (v128.store offset=48 (local.get $op) (local.get $acc3))
                        (local.set $cb (i32.add (local.get $cb) (i32.const 16))))
                    (else (if (i32.ge_s (i32.sub (local.get $outC) (local.get $cb)) (i32.const 8))
                      (then
                        ;; 8 output channels.
                        (local.set $acc0 (v128.load (local.get $op)))
                        (local.set $acc1 (v128.load offset=16 (local.get $op)))
                        (loop $owNext8
                          (local.set $xv (f32x4.splat (f32.load (local.get $xp))))
                          (local.set $acc0 (f32x4.add (local.get $acc0)
                            (f32x4.mul (local.get $xv) (v128.load (local.get $dp)))))
                          (local.set $acc1 (f32x4.add (local.get $acc1)
                            (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $dp)))))
                          (local.set $xp (i32.add (local.get $xp) (local.get $xStep)))
                          (local.set $dp (i32.add (local.get $dp) (local.get $dyStep)))
                          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                          (br_if $owNext8 (i32.gt_s (local.get $n) (i32.const 0))))
                        (v128.store (local.get $op) (local.get $acc0))
                        (v128.store offset=16 (local.get $op) (local.get $acc1))
                        (local.set $cb (i32.add (local.get $cb) (i32.const 8))))
                      (else
                        ;; The last 4 output channels.
                        (local.set $acc0 (v128.load (local.get $op)))
                        (loop $owNext4
                          (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul
                            (f32x4.splat (f32.load (local.get $xp))) (v128.load (local.get $dp)))))
                          (local.set $xp (i32.add (local.get $xp) (local.get $xStep)))
                          (local.set $dp (i32.add (local.get $dp) (local.get $dyStep)))
                          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                          (br_if $owNext4 (i32.gt_s (local.get $n) (i32.const 0))))
                        (v128.store (local.get $op) (local.get $acc0))
                        (local.set $cb (i32.add (local.get $cb) (i32.const 4)))))))
                    (br $cbNext)))
                  (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
                  (br $ciNext)))))
              (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
              (br $kwNext)))))
          (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
          (br $khNext)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohNext)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batchNext))))

  ;; The gradient of a max pooling with 2x2 windows at stride 2 that lie inside the image: each
  ;; window's dy goes to the first position (row-major) that holds the window's maximum y. Writes
  ;; every position of dx that a window covers (the caller zeroes the rest). Needs channels % 4 == 0.
  ;; A window whose maximum is NaN or -Infinity gets no gradient here, and the function returns 1:
  ;; the caller must then scan such windows for their largest number (XNNPACK's max pooling gives
  ;; -Infinity for a window holding a NaN and numbers). Else it returns 0.
  (func (export "maxPoolGradPairs")
    (param $x i32) (param $y i32) (param $dy i32) (param $dx i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $channels i32)
    (param $outH i32) (param $outW i32)
    (result i32)
    (local $b i32) (local $oh i32) (local $ow i32) (local $c i32)
    (local $rowBytes i32) (local $pixelBytes i32) (local $o i32) (local $p i32) (local $q i32)
    (local $m v128) (local $g v128) (local $valid v128) (local $unsure v128) (local $taken v128)
    (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $e3 v128)
    (local.set $pixelBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $inW) (local.get $pixelBytes)))
    (local.set $o (i32.const 0)) ;; byte offset into y and dy
    (local.set $b (i32.const 0))
    (block $batchDone (loop $batchNext
      (br_if $batchDone (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $oh (i32.const 0))
      (block $ohDone (loop $ohNext
        (br_if $ohDone (i32.ge_s (local.get $oh) (local.get $outH)))
        ;; byte offset of [b, 2*oh, 0, 0] in x and dx
        (local.set $p (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH))
          (i32.shl (local.get $oh) (i32.const 1))) (local.get $rowBytes)))
        (local.set $ow (i32.const 0))
        (block $owDone (loop $owNext
          (br_if $owDone (i32.ge_s (local.get $ow) (local.get $outW)))
          (local.set $c (i32.const 0))
          (block $cDone (loop $cNext
            (br_if $cDone (i32.ge_s (local.get $c) (local.get $pixelBytes)))
            (local.set $q (i32.add (local.get $p) (local.get $c)))
            (local.set $m (v128.load (i32.add (local.get $y) (local.get $o))))
            (local.set $g (v128.load (i32.add (local.get $dy) (local.get $o))))
            (local.set $valid (f32x4.gt (local.get $m) (v128.const f32x4 -inf -inf -inf -inf)))
            (local.set $unsure (v128.or (local.get $unsure) (v128.not (local.get $valid))))
            ;; e_k: lanes whose maximum is first found at window position k.
            (local.set $e0 (v128.and (local.get $valid)
              (f32x4.eq (v128.load (i32.add (local.get $x) (local.get $q))) (local.get $m))))
            (local.set $taken (local.get $e0))
            (local.set $e1 (v128.andnot (v128.and (local.get $valid) (f32x4.eq
              (v128.load (i32.add (i32.add (local.get $x) (local.get $q)) (local.get $pixelBytes))) (local.get $m)))
              (local.get $taken)))
            (local.set $taken (v128.or (local.get $taken) (local.get $e1)))
            (local.set $e2 (v128.andnot (v128.and (local.get $valid) (f32x4.eq
              (v128.load (i32.add (i32.add (local.get $x) (local.get $q)) (local.get $rowBytes))) (local.get $m)))
              (local.get $taken)))
            (local.set $taken (v128.or (local.get $taken) (local.get $e2)))
            (local.set $e3 (v128.andnot (v128.and (local.get $valid) (f32x4.eq
              (v128.load (i32.add (i32.add (i32.add (local.get $x) (local.get $q)) (local.get $rowBytes))
                (local.get $pixelBytes))) (local.get $m)))
              (local.get $taken)))
            (v128.store (i32.add (local.get $dx) (local.get $q)) (v128.and (local.get $g) (local.get $e0)))
            (v128.store (i32.add (i32.add (local.get $dx) (local.get $q)) (local.get $pixelBytes))
              (v128.and (local.get $g) (local.get $e1)))
            (v128.store (i32.add (i32.add (local.get $dx) (local.get $q)) (local.get $rowBytes))
              (v128.and (local.get $g) (local.get $e2)))
            (v128.store (i32.add (i32.add (i32.add (local.get $dx) (local.get $q)) (local.get $rowBytes))
              (local.get $pixelBytes)) (v128.and (local.get $g) (local.get $e3)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $cNext)))
          (local.set $p (i32.add (local.get $p) (i32.shl (local.get $pixelBytes) (i32.const 1))))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $owNext)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohNext)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batchNext)))
    (v128.any_true (local.get $unsure)))

  ;; The matrix product out[m, n] = a[m, k] . b[k, n], all row-major. Needs m % 4 == 0, n % 8 == 0,
  ;; k >= 1. Register-blocked: 4 rows x 8 columns of out sit in 8 vector accumulators while k runs;
  ;; k is cut in blocks of 128 (a 4 KB slice of b's 8-column panel stays in L1 across the rows, the
  ;; block of a in L2), and out carries the sums from one block to the next. lists: 0, or zeroSteps's
  ;; lists of a (then each block of 4 rows walks only its listed steps of k where zeroSteps listed them).
  (func (export "matMul") (param $a i32) (param $b i32) (param $out i32) (param $m i32) (param $k i32) (param $n i32)
    (param $lists i32)
    (local $lp i32) (local $lEnd i32) (local $kBlocks i32) (local $aRow i32) (local $bCol i32)
    (local $j i32) (local $i i32) (local $p i32) (local $ap i32) (local $bp i32) (local $op i32)
    (local $rowA i32) (local $rowB i32) (local $rowO i32) (local $kEnd i32) (local $k0 i32) (local $kc i32)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $rowA (i32.shl (local.get $k) (i32.const 2)))
    (local.set $kBlocks (i32.shr_u (i32.add (local.get $k) (i32.const 127)) (i32.const 7)))
    (local.set $k0 (i32.const 0))
    (block $kbDone (loop $kbNext
      (br_if $kbDone (i32.ge_u (local.get $k0) (local.get $k)))
      (local.set $kc (select (i32.sub (local.get $k) (local.get $k0)) (i32.const 128)
        (i32.lt_u (i32.sub (local.get $k) (local.get $k0)) (i32.const 128))))
    (local.set $rowB (i32.shl (local.get $n) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $jDone (loop $jNext
      (br_if $jDone (i32.ge_u (local.get $j) (local.get $n)))
      (local.set $i (i32.const 0))
      (block $iDone (loop $iNext
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $op (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
        (if (i32.eqz (local.get $k0))
          (then
            (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
            (local.set $acc2 (v128.const i32x4 0 0 0 0)) (local.set $acc3 (v128.const i32x4 0 0 0 0))
            (local.set $acc4 (v128.const i32x4 0 0 0 0)) (local.set $acc5 (v128.const i32x4 0 0 0 0))
            (local.set $acc6 (v128.const i32x4 0 0 0 0)) (local.set $acc7 (v128.const i32x4 0 0 0 0)))
          (else
            (local.set $acc0 (v128.load (local.get $op))) (local.set $acc1 (v128.load offset=16 (local.get $op)))
            (local.set $acc2 (v128.load (i32.add (local.get $op) (local.get $rowB))))
            (local.set $acc3 (v128.load offset=16 (i32.add (local.get $op) (local.get $rowB))))
            (local.set $acc4 (v128.load (i32.add (local.get $op) (i32.shl (local.get $rowB) (i32.const 1)))))
            (local.set $acc5 (v128.load offset=16 (i32.add (local.get $op) (i32.shl (local.get $rowB) (i32.const 1)))))
            (local.set $acc6 (v128.load (i32.add (local.get $op) (i32.mul (local.get $rowB) (i32.const 3)))))
            (local.set $acc7 (v128.load offset=16 (i32.add (local.get $op) (i32.mul (local.get $rowB) (i32.const 3)))))))
        ;; this block's listed steps of this block of k, or -1: every step
        (local.set $lp (i32.const -1))
        (if (local.get $lists)
          (then
            (local.set $lp (i32.add (local.get $lists) (i32.shl (i32.add (i32.mul (i32.shr_u (local.get $i) (i32.const 2))
              (local.get $kBlocks)) (i32.shr_u (local.get $k0) (i32.const 7))) (i32.const 3))))
            (local.set $lEnd (i32.load offset=4 (local.get $lp)))
            (local.set $lp (i32.load (local.get $lp)))))
        (if (i32.eq (local.get $lp) (i32.const -1))
          (then
            (local.set $ap (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $k)) (local.get $k0)) (i32.const 2))))
            (local.set $kEnd (i32.add (local.get $ap) (i32.shl (local.get $kc) (i32.const 2))))
            (local.set $bp (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $n)) (local.get $j)) (i32.const 2))))
            (loop $pNext
              (local.set $b0 (v128.load (local.get $bp)))
              (local.set $b1 (v128.load offset=16 (local.get $bp)))
              (local.set $av (v128.load32_splat (local.get $ap)))
              (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $av (v128.load32_splat (i32.add (local.get $ap) (local.get $rowA))))
              (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $av (v128.load32_splat (i32.add (local.get $ap) (i32.shl (local.get $rowA) (i32.const 1)))))
              (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $av (v128.load32_splat (i32.add (local.get $ap) (i32.mul (local.get $rowA) (i32.const 3)))))
              (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
              (local.set $bp (i32.add (local.get $bp) (local.get $rowB)))
              (br_if $pNext (i32.lt_u (local.get $ap) (local.get $kEnd)))))
          (else
            ;; a listed step is its byte offset p * 4 in a row of a: row p of b is n times that on
            (local.set $aRow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowA))))
            (local.set $bCol (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (if (i32.lt_u (local.get $lp) (local.get $lEnd)) (then (loop $lNext
              (local.set $ap (i32.load (local.get $lp)))
              (local.set $bp (i32.add (local.get $bCol) (i32.mul (local.get $ap) (local.get $n))))
              (local.set $ap (i32.add (local.get $aRow) (local.get $ap)))
              (local.set $b0 (v128.load (local.get $bp)))
              (local.set $b1 (v128.load offset=16 (local.get $bp)))
              (local.set $av (v128.load32_splat (local.get $ap)))
              (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $av (v128.load32_splat (i32.add (local.get $ap) (local.get $rowA))))
              (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $av (v128.load32_splat (i32.add (local.get $ap) (i32.shl (local.get $rowA) (i32.const 1)))))
              (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $av (v128.load32_splat (i32.add (local.get $ap) (i32.mul (local.get $rowA) (i32.const 3)))))
              (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $lp (i32.add (local.get $lp) (i32.const 4)))
              (br_if $lNext (i32.lt_u (local.get $lp) (local.get $lEnd))))))))
        (v128.store (local.get $op) (local.get $acc0)) (v128.store offset=16 (local.get $op) (local.get $acc1))
        (local.set $op (i32.add (local.get $op) (local.get $rowB)))
        (v128.store (local.get $op) (local.get $acc2)) (v128.store offset=16 (local.get $op) (local.get $acc3))
        (local.set $op (i32.add (local.get $op) (local.get $rowB)))
        (v128.store (local.get $op) (local.get $acc4)) (v128.store offset=16 (local.get $op) (local.get $acc5))
        (local.set $op (i32.add (local.get $op) (local.get $rowB)))
        (v128.store (local.get $op) (local.get $acc6)) (v128.store offset=16 (local.get $op) (local.get $acc7))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iNext)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $jNext)))
      (local.set $k0 (i32.add (local.get $k0) (i32.const 128)))
      (br $kbNext))))

  ;; out[i] = min(max(x[i], lo), hi) over n floats; a NaN stays NaN (f32x4.min and max propagate it,
  ;; where XNNPACK's clamp, which stock ClipByValue runs, turns it into lo).
  (func (export "clip") (param $x i32) (param $out i32) (param $n i32) (param $lo f32) (param $hi f32)
    (local $end i32) (local $vectorEnd i32) (local $low v128) (local $high v128)
    (local.set $low (f32x4.splat (local.get $lo)))
    (local.set $high (f32x4.splat (local.get $hi)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vectorEnd (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vectorsDone (loop $nextVector
      (br_if $vectorsDone (i32.ge_u (local.get $x) (local.get $vectorEnd)))
      (v128.store (local.get $out)
        (f32x4.min (f32x4.max (v128.load (local.get $x)) (local.get $low)) (local.get $high)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $nextVector)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (f32.store (local.get $out) (f32.min (f32.max (f32.load (local.get $x)) (local.get $lo)) (local.get $hi)))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br $next))))

  ;; @include fragments/float-zero-skip.wat
)
