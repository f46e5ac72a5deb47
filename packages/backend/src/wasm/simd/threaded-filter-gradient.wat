;; The filter gradient of a 2D convolution split between the threads of tensorfold's WASM thread pool
;; (threads/pool.ts): the same loops as filterGradient in kernels.wat, restricted to a range of
;; filter taps (kh, kw) per call, on the pool's shared memory (the caller copies x and dy in and the
;; zeroed gradient out). Each gradient element is summed over b, oh, ow in the same order whichever
;; thread computes it: the same bits for any number of threads, and as kernels.wat's filterGradient.
(module
  (import "env" "memory" (memory 1 16384 shared))

  ;; The gradient of a 2D convolution with respect to its filter, accumulated into `out`
  ;; ([filterHeight, filterWidth, inChannels, outChannels], zeroed by the caller):
  ;;   out[kh, kw, ci, co] += sum over b, oh, ow of
  ;;     x[b, oh*strideH + kh*dilationH - padTop, ow*strideW + kw*dilationW - padLeft, ci] * dy[b, oh, ow, co]
  ;; (positions in the padding read zero, so they are skipped). Needs outChannels % 4 == 0.
  ;;
  ;; Loop order: each output row of dy (b, oh) is visited once, and while it sits in the L1 cache
  ;; every tap (kh, kw, ci) sweeps it, 16, 8 or 4 output channels at a time in vector accumulators.
  (func $filterGradient
    (param $x i32) (param $dy i32) (param $out i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $inC i32)
    (param $outH i32) (param $outW i32) (param $outC i32)
    (param $fH i32) (param $fW i32) (param $strideH i32) (param $strideW i32)
    (param $dilationH i32) (param $dilationW i32) (param $padTop i32) (param $padLeft i32)
    (param $t0 i32) (param $t1 i32)
    (local $b i32) (local $oh i32) (local $kh i32) (local $kw i32) (local $ci i32) (local $cb i32)
    (local $row i32) (local $col0 i32) (local $first i32) (local $end i32) (local $n i32) (local $count i32)
    (local $xp i32) (local $dp i32) (local $op i32) (local $xStep i32) (local $dyStep i32)
    (local $dyRow i32) (local $xRow i32) (local $t i32)
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
              ;; Only this call's taps: kh * filterWidth + kw in [t0, t1).
              (local.set $t (i32.add (i32.mul (local.get $kh) (local.get $fW)) (local.get $kw)))
              (if (i32.or (i32.lt_s (local.get $t) (local.get $t0)) (i32.ge_s (local.get $t) (local.get $t1)))
                (then (local.set $kw (i32.add (local.get $kw) (i32.const 1))) (br $kwNext)))
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

  ;; Chunk c of a filter gradient whose 18 arguments (as filterGradient's, x to padLeft) lie as i32
  ;; at p, followed by the taps per chunk: the taps kh * filterWidth + kw in [c * per, (c + 1) * per).
  (func (export "filterGradientChunk") (param $c i32) (param $p i32)
    (local $per i32)
    (local.set $per (i32.load offset=72 (local.get $p)))
    (call $filterGradient
      (i32.load offset=0 (local.get $p)) (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p)) (i32.load offset=16 (local.get $p)) (i32.load offset=20 (local.get $p)) (i32.load offset=24 (local.get $p)) (i32.load offset=28 (local.get $p)) (i32.load offset=32 (local.get $p)) (i32.load offset=36 (local.get $p)) (i32.load offset=40 (local.get $p)) (i32.load offset=44 (local.get $p)) (i32.load offset=48 (local.get $p)) (i32.load offset=52 (local.get $p)) (i32.load offset=56 (local.get $p)) (i32.load offset=60 (local.get $p)) (i32.load offset=64 (local.get $p)) (i32.load offset=68 (local.get $p))
      (i32.mul (local.get $c) (local.get $per)) (i32.mul (i32.add (local.get $c) (i32.const 1)) (local.get $per))))
)
