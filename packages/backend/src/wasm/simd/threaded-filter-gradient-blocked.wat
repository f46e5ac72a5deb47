;; The register-blocked filter gradient of filter-gradient-blocked.wat (the same function, copied: a
;; test keeps the two alike) on the shared memory of tensorfold's WASM thread pool (threads/pool.ts),
;; split by images: chunk c sums images [c * per, (c + 1) * per) into its own partial gradient,
;; which the caller adds up in chunk order. The chunks do not depend on the number of threads: the
;; same bits for any number of threads. The caller copies x and dy in and the partials out.
(module
  (import "env" "memory" (memory 1 16384 shared))
  ;; Chunk `chunk`: the 18 i32 arguments of filterGradientBlocked (x, dy, out, batch, inH, inW, inC,
  ;; outH, outW, outC, fH, fW, strideH, strideW, dilationH, dilationW, padTop, padLeft), then per,
  ;; lie at `params`; the chunk's partial is at out + chunk * fH * fW * inC * outC floats (zeroed).
  (func (export "filterGradientBlockedChunk") (param $chunk i32) (param $p i32)
    (local $b0 i32) (local $count i32) (local $per i32)
    (local.set $per (i32.load offset=72 (local.get $p)))
    (local.set $b0 (i32.mul (local.get $chunk) (local.get $per)))
    (local.set $count (i32.sub (i32.load offset=12 (local.get $p)) (local.get $b0)))
    (if (i32.gt_s (local.get $count) (local.get $per)) (then (local.set $count (local.get $per))))
    (if (i32.gt_s (local.get $count) (i32.const 0)) (then
      (call $filterGradientBlocked
        ;; x[b0], dy[b0], out + chunk * filter size
        (i32.add (i32.load (local.get $p)) (i32.shl (i32.mul (local.get $b0) (i32.mul (i32.mul
          (i32.load offset=16 (local.get $p)) (i32.load offset=20 (local.get $p))) (i32.load offset=24 (local.get $p))))
          (i32.const 2)))
        (i32.add (i32.load offset=4 (local.get $p)) (i32.shl (i32.mul (local.get $b0) (i32.mul (i32.mul
          (i32.load offset=28 (local.get $p)) (i32.load offset=32 (local.get $p))) (i32.load offset=36 (local.get $p))))
          (i32.const 2)))
        (i32.add (i32.load offset=8 (local.get $p)) (i32.shl (i32.mul (local.get $chunk) (i32.mul (i32.mul
          (i32.load offset=40 (local.get $p)) (i32.load offset=44 (local.get $p))) (i32.mul
          (i32.load offset=24 (local.get $p)) (i32.load offset=36 (local.get $p))))) (i32.const 2)))
        (local.get $count)
        (i32.load offset=16 (local.get $p)) (i32.load offset=20 (local.get $p)) (i32.load offset=24 (local.get $p))
        (i32.load offset=28 (local.get $p)) (i32.load offset=32 (local.get $p)) (i32.load offset=36 (local.get $p))
        (i32.load offset=40 (local.get $p)) (i32.load offset=44 (local.get $p)) (i32.load offset=48 (local.get $p))
        (i32.load offset=52 (local.get $p)) (i32.load offset=56 (local.get $p)) (i32.load offset=60 (local.get $p))
        (i32.load offset=64 (local.get $p)) (i32.load offset=68 (local.get $p))))))

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
      (br_if $batchNext (i32.lt_s (local.get $b) (local.get $batch))))))
