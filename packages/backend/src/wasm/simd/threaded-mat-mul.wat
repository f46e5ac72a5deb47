;; The matrix product that tensorfold's WASM thread pool splits between threads (threads/pool.ts). Its
;; memory is a shared WebAssembly.Memory of the pool's own (tfjs-backend-wasm's heap is not shared in
;; its single-threaded build): the caller copies the operands in, packs them here, and every thread
;; runs matMulChunk on the chunks of rows it claims. Pointers are byte offsets into that memory.
;;
;; Each output element is computed by one call, over k in order, whatever the number of threads: the
;; result has the same bits for any number of threads.
(module
  (import "env" "memory" (memory 1 16384 shared))

  ;; One tile of out[m, n] = a[m, k] . B[k, n], where B lies in panels of 8 columns (packPanels: panel
  ;; q, rows 0..k-1 of columns 8q..8q+7, at bp + q*k*32). The tiles are chunkRows x chunkCols, tile c
  ;; at row block c % ceil(m / chunkRows) and column block c / ceil(m / chunkRows). Then, where flags
  ;; has bit 0, adds bias[n] to every row of the tile, and where it has bit 1 takes max(x, 0) (relu).
  ;; Needs m, chunkRows % 4 == 0; n, chunkCols % 8 == 0; k >= 1. lists: 0, or zeroSteps's lists of a
  ;; (then each block of 4 rows walks only its listed steps of k where zeroSteps listed them).
  (func (export "matMulChunk") (param $c i32) (param $a i32) (param $bp i32) (param $out i32)
    (param $m i32) (param $k i32) (param $n i32) (param $chunk i32) (param $chunkCols i32) (param $bias i32) (param $flags i32)
    (param $lists i32)
    (local $i0 i32) (local $i1 i32) (local $j0 i32) (local $j1 i32) (local $blocks i32)
    (local.set $blocks (i32.div_u (i32.add (local.get $m) (i32.sub (local.get $chunk) (i32.const 1))) (local.get $chunk)))
    (local.set $j0 (i32.mul (i32.div_u (local.get $c) (local.get $blocks)) (local.get $chunkCols)))
    (local.set $j1 (i32.add (local.get $j0) (local.get $chunkCols)))
    (if (i32.gt_u (local.get $j1) (local.get $n)) (then (local.set $j1 (local.get $n))))
    (local.set $i0 (i32.mul (i32.rem_u (local.get $c) (local.get $blocks)) (local.get $chunk)))
    (local.set $i1 (i32.add (local.get $i0) (local.get $chunk)))
    (if (i32.gt_u (local.get $i1) (local.get $m)) (then (local.set $i1 (local.get $m))))
    (call $tile (local.get $a) (local.get $bp) (local.get $out) (local.get $k) (local.get $n)
      (local.get $i0) (local.get $i1) (local.get $j0) (local.get $j1) (local.get $bias) (local.get $flags) (local.get $lists)))

  ;; Rows [i0, i1) and columns [j0, j1) of out[., n] = a[., k] . B (panels), then bias and relu (flags).
  ;; lists: 0 (every step of k), or zeroSteps's lists of a (rows from 0 at a).
  (func $tile (param $a i32) (param $bp i32) (param $out i32) (param $k i32) (param $n i32)
    (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $bias i32) (param $flags i32) (param $lists i32)
    (local $lp i32) (local $lEnd i32) (local $kBlocks i32) (local $aRow i32) (local $bPanel i32)
    (local $j i32) (local $i i32) (local $ap i32) (local $bq i32) (local $bptr i32)
    (local $op i32) (local $rowA i32) (local $rowO i32) (local $kEnd i32) (local $k0 i32) (local $kc i32)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $rowA (i32.shl (local.get $k) (i32.const 2)))
    (local.set $rowO (i32.shl (local.get $n) (i32.const 2)))
    (local.set $kBlocks (i32.shr_u (i32.add (local.get $k) (i32.const 127)) (i32.const 7)))
    (local.set $k0 (i32.const 0))
    (block $kbDone (loop $kbNext
      (br_if $kbDone (i32.ge_u (local.get $k0) (local.get $k)))
      (local.set $kc (select (i32.sub (local.get $k) (local.get $k0)) (i32.const 128)
        (i32.lt_u (i32.sub (local.get $k) (local.get $k0)) (i32.const 128))))
      (local.set $j (local.get $j0))
      (block $jDone (loop $jNext
        (br_if $jDone (i32.ge_u (local.get $j) (local.get $j1)))
        ;; panel j/8 starts j*k floats in; its row k0 8*k0 floats further
        (local.set $bq (i32.add (local.get $bp) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $k))
          (i32.shl (local.get $k0) (i32.const 3))) (i32.const 2))))
        (local.set $i (local.get $i0))
        (block $iDone (loop $iNext
          (br_if $iDone (i32.ge_u (local.get $i) (local.get $i1)))
          (local.set $op (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
          (if (i32.eqz (local.get $k0))
            (then
              (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
              (local.set $acc2 (v128.const i32x4 0 0 0 0)) (local.set $acc3 (v128.const i32x4 0 0 0 0))
              (local.set $acc4 (v128.const i32x4 0 0 0 0)) (local.set $acc5 (v128.const i32x4 0 0 0 0))
              (local.set $acc6 (v128.const i32x4 0 0 0 0)) (local.set $acc7 (v128.const i32x4 0 0 0 0)))
            (else
              (local.set $acc0 (v128.load (local.get $op))) (local.set $acc1 (v128.load offset=16 (local.get $op)))
              (local.set $acc2 (v128.load (i32.add (local.get $op) (local.get $rowO))))
              (local.set $acc3 (v128.load offset=16 (i32.add (local.get $op) (local.get $rowO))))
              (local.set $acc4 (v128.load (i32.add (local.get $op) (i32.shl (local.get $rowO) (i32.const 1)))))
              (local.set $acc5 (v128.load offset=16 (i32.add (local.get $op) (i32.shl (local.get $rowO) (i32.const 1)))))
              (local.set $acc6 (v128.load (i32.add (local.get $op) (i32.mul (local.get $rowO) (i32.const 3)))))
              (local.set $acc7 (v128.load offset=16 (i32.add (local.get $op) (i32.mul (local.get $rowO) (i32.const 3)))))))
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
            (local.set $bptr (local.get $bq))
            (loop $pNext
              (local.set $b0 (v128.load (local.get $bptr)))
              (local.set $b1 (v128.load offset=16 (local.get $bptr)))
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
              (local.set $bptr (i32.add (local.get $bptr) (i32.const 32)))
              (br_if $pNext (i32.lt_u (local.get $ap) (local.get $kEnd)))))
            (else
              ;; a listed step is its byte offset in a row of a: 8 times that in the panel
              (local.set $aRow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowA))))
              (local.set $bPanel (i32.add (local.get $bp) (i32.shl (i32.mul (local.get $j) (local.get $k)) (i32.const 2))))
              (if (i32.lt_u (local.get $lp) (local.get $lEnd)) (then (loop $lNext
                (local.set $ap (i32.load (local.get $lp)))
                (local.set $bptr (i32.add (local.get $bPanel) (i32.shl (local.get $ap) (i32.const 3))))
                (local.set $ap (i32.add (local.get $aRow) (local.get $ap)))
                (local.set $b0 (v128.load (local.get $bptr)))
                (local.set $b1 (v128.load offset=16 (local.get $bptr)))
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
          (local.set $op (i32.add (local.get $op) (local.get $rowO)))
          (v128.store (local.get $op) (local.get $acc2)) (v128.store offset=16 (local.get $op) (local.get $acc3))
          (local.set $op (i32.add (local.get $op) (local.get $rowO)))
          (v128.store (local.get $op) (local.get $acc4)) (v128.store offset=16 (local.get $op) (local.get $acc5))
          (local.set $op (i32.add (local.get $op) (local.get $rowO)))
          (v128.store (local.get $op) (local.get $acc6)) (v128.store offset=16 (local.get $op) (local.get $acc7))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $iNext)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jNext)))
      (local.set $k0 (i32.add (local.get $k0) (i32.const 128)))
      (br $kbNext)))
    (if (i32.eqz (local.get $flags)) (then (return)))
    ;; epilogue: bias, then relu, over the chunk's rows
    (local.set $op (i32.add (local.get $out) (i32.mul (local.get $i0) (local.get $rowO))))
    (local.set $kEnd (i32.add (local.get $out) (i32.mul (local.get $i1) (local.get $rowO))))
    (block $eDone (loop $eNext
      (br_if $eDone (i32.ge_u (local.get $op) (local.get $kEnd)))
      (local.set $j (i32.shl (local.get $j0) (i32.const 2)))
      (block $rowDone (loop $rowNext
        (br_if $rowDone (i32.ge_u (local.get $j) (i32.shl (local.get $j1) (i32.const 2))))
        (local.set $av (v128.load (i32.add (local.get $op) (local.get $j))))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then (local.set $av (f32x4.add (local.get $av) (v128.load (i32.add (local.get $bias) (local.get $j)))))))
        (if (i32.and (local.get $flags) (i32.const 2))
          (then (local.set $av (f32x4.max (local.get $av) (v128.const i32x4 0 0 0 0)))))
        (v128.store (i32.add (local.get $op) (local.get $j)) (local.get $av))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $rowNext)))
      (local.set $op (i32.add (local.get $op) (local.get $rowO)))
      (br $eNext))))

  ;; Chunk c of a convolution as a product of image patches and the filter: for the output positions
  ;; r in [c * chunkRows, (c + 1) * chunkRows) (r = (b * outH + oh) * outW + ow; rows from m on, up to
  ;; a multiple of 4, are zeros) writes patches[r, (kh, kw, ci)] = x[b, oh*sH + kh*dH - pT,
  ;; ow*sW + kw*dW - pL, ci] (zero in the padding), then the rows' product with the filter's panels
  ;; (the tile above, all columns, bias and relu by flags). Its arguments lie as i32 at p: x, patches,
  ;; panels, out, bias, flags, inH, inW, inC, outH, outW, fH, fW, sH, sW, dH, dW, pT, pL, n, chunkRows, m.
  (func (export "convChunk") (param $c i32) (param $p i32)
    (local $r i32) (local $r0 i32) (local $r1 i32) (local $i0 i32) (local $i1 i32) (local $k i32) (local $dst i32)
    (local $q i32) (local $b i32) (local $oh i32) (local $ow i32) (local $kh i32) (local $kw i32) (local $ih i32)
    (local $iw i32) (local $src i32) (local $end i32) (local $rowBytes i32)
    (local $x i32) (local $patches i32) (local $m i32) (local $inH i32) (local $inW i32) (local $inC i32)
    (local $outH i32) (local $outW i32) (local $fH i32) (local $fW i32) (local $sH i32) (local $sW i32)
    (local $dH i32) (local $dW i32) (local $pT i32) (local $pL i32)
    (local.set $x (i32.load (local.get $p))) (local.set $patches (i32.load offset=4 (local.get $p)))
    (local.set $inH (i32.load offset=24 (local.get $p))) (local.set $inW (i32.load offset=28 (local.get $p)))
    (local.set $inC (i32.load offset=32 (local.get $p))) (local.set $outH (i32.load offset=36 (local.get $p)))
    (local.set $outW (i32.load offset=40 (local.get $p))) (local.set $fH (i32.load offset=44 (local.get $p)))
    (local.set $fW (i32.load offset=48 (local.get $p))) (local.set $sH (i32.load offset=52 (local.get $p)))
    (local.set $sW (i32.load offset=56 (local.get $p))) (local.set $dH (i32.load offset=60 (local.get $p)))
    (local.set $dW (i32.load offset=64 (local.get $p))) (local.set $pT (i32.load offset=68 (local.get $p)))
    (local.set $pL (i32.load offset=72 (local.get $p))) (local.set $m (i32.load offset=84 (local.get $p)))
    (local.set $k (i32.mul (i32.mul (local.get $fH) (local.get $fW)) (local.get $inC)))
    (local.set $rowBytes (i32.shl (local.get $inC) (i32.const 2)))
    (local.set $i0 (i32.mul (local.get $c) (i32.load offset=80 (local.get $p))))
    (local.set $i1 (i32.add (local.get $i0) (i32.load offset=80 (local.get $p))))
    ;; up to m rounded up to a multiple of 4
    (local.set $end (i32.and (i32.add (local.get $m) (i32.const 3)) (i32.const -4)))
    (if (i32.gt_u (local.get $i1) (local.get $end)) (then (local.set $i1 (local.get $end))))
    ;; blocks of 32 rows: their patches stay in the cache between being written and multiplied
    (local.set $r0 (local.get $i0))
    (block $blockDone (loop $blockNext
      (br_if $blockDone (i32.ge_u (local.get $r0) (local.get $i1)))
      (local.set $r1 (i32.add (local.get $r0) (i32.const 32)))
      (if (i32.gt_u (local.get $r1) (local.get $i1)) (then (local.set $r1 (local.get $i1))))
      (local.set $r (local.get $r0))
      (block $rDone (loop $rNext
        (br_if $rDone (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $dst (i32.add (local.get $patches) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2))))
        (if (i32.ge_u (local.get $r) (local.get $m))
          (then (memory.fill (local.get $dst) (i32.const 0) (i32.shl (local.get $k) (i32.const 2))))
          (else
            ;; r = (b * outH + oh) * outW + ow
            (local.set $q (i32.div_u (local.get $r) (local.get $outW)))
            (local.set $ow (i32.sub (local.get $r) (i32.mul (local.get $q) (local.get $outW))))
            (local.set $b (i32.div_u (local.get $q) (local.get $outH)))
            (local.set $oh (i32.sub (local.get $q) (i32.mul (local.get $b) (local.get $outH))))
            (local.set $kh (i32.const 0))
            (block $khDone (loop $khNext
              (br_if $khDone (i32.ge_u (local.get $kh) (local.get $fH)))
              (local.set $ih (i32.sub (i32.add (i32.mul (local.get $oh) (local.get $sH)) (i32.mul (local.get $kh) (local.get $dH)))
                (local.get $pT)))
              (local.set $kw (i32.const 0))
              (block $kwDone (loop $kwNext
                (br_if $kwDone (i32.ge_u (local.get $kw) (local.get $fW)))
                (local.set $iw (i32.sub (i32.add (i32.mul (local.get $ow) (local.get $sW)) (i32.mul (local.get $kw) (local.get $dW)))
                  (local.get $pL)))
                (local.set $end (i32.add (local.get $dst) (local.get $rowBytes)))
                ;; unsigned compares: a negative row or column is huge, so it reads as padding
                (if (i32.and (i32.lt_u (local.get $ih) (local.get $inH)) (i32.lt_u (local.get $iw) (local.get $inW)))
                  (then
                    (local.set $src (i32.add (local.get $x) (i32.mul (i32.add (i32.mul (i32.add
                      (i32.mul (local.get $b) (local.get $inH)) (local.get $ih)) (local.get $inW)) (local.get $iw))
                      (local.get $rowBytes))))
                    (block $vDone (loop $vNext
                      (br_if $vDone (i32.gt_u (i32.add (local.get $dst) (i32.const 16)) (local.get $end)))
                      (v128.store (local.get $dst) (v128.load (local.get $src)))
                      (local.set $src (i32.add (local.get $src) (i32.const 16)))
                      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                      (br $vNext)))
                    (block $sDone (loop $sNext
                      (br_if $sDone (i32.ge_u (local.get $dst) (local.get $end)))
                      (f32.store (local.get $dst) (f32.load (local.get $src)))
                      (local.set $src (i32.add (local.get $src) (i32.const 4)))
                      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                      (br $sNext))))
                  (else
                    (memory.fill (local.get $dst) (i32.const 0) (local.get $rowBytes))
                    (local.set $dst (local.get $end))))
                (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
                (br $kwNext)))
              (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
              (br $khNext)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rNext)))
      (call $tile (local.get $patches) (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p))
        (local.get $k) (i32.load offset=76 (local.get $p)) (local.get $r0) (local.get $r1) (i32.const 0)
        (i32.load offset=76 (local.get $p)) (i32.load offset=16 (local.get $p)) (i32.load offset=20 (local.get $p))
        (i32.const 0))
      (local.set $r0 (local.get $r1))
      (br $blockNext))))

  ;; B[k, n] (row-major at b; with transposed = 1, B^T[n, k] lies at b) into panels of 8 columns at bp
  ;; (see matMulChunk), the last one filled up with zeros: ceil(n / 8) * k * 8 floats.
  (func (export "packPanels") (param $b i32) (param $bp i32) (param $k i32) (param $n i32) (param $transposed i32)
    (local $p i32) (local $col i32) (local $src i32) (local $dst i32) (local $panel i32) (local $end i32)
    (local.set $panel (i32.shl (local.get $k) (i32.const 5)))
    (if (local.get $transposed)
      (then
        ;; column col of B is row col of B^T: k floats apart in B^T, 8 apart in its panel
        (local.set $col (i32.const 0))
        (block $cDone (loop $cNext
          (br_if $cDone (i32.ge_u (local.get $col) (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8))))
          (local.set $dst (i32.add (i32.add (local.get $bp) (i32.mul (i32.shr_u (local.get $col) (i32.const 3)) (local.get $panel)))
            (i32.shl (i32.and (local.get $col) (i32.const 7)) (i32.const 2))))
          (local.set $src (i32.add (local.get $b) (i32.shl (i32.mul (local.get $col) (local.get $k)) (i32.const 2))))
          (local.set $end (i32.add (local.get $dst) (local.get $panel)))
          ;; the padding columns (col >= n) get zeros without reading B: rows past its end may lie past
          ;; the memory's end (a `select` would still load them)
          (if (i32.lt_u (local.get $col) (local.get $n))
            (then
              (block $pDone (loop $pNext
                (br_if $pDone (i32.ge_u (local.get $dst) (local.get $end)))
                (f32.store (local.get $dst) (f32.load (local.get $src)))
                (local.set $src (i32.add (local.get $src) (i32.const 4)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (br $pNext))))
            (else
              (block $zDone (loop $zNext
                (br_if $zDone (i32.ge_u (local.get $dst) (local.get $end)))
                (f32.store (local.get $dst) (f32.const 0))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (br $zNext)))))
          (local.set $col (i32.add (local.get $col) (i32.const 1)))
          (br $cNext)))
        (return)))
    (local.set $p (i32.const 0))
    (block $rDone (loop $rNext
      (br_if $rDone (i32.ge_u (local.get $p) (local.get $k)))
      (local.set $src (i32.add (local.get $b) (i32.shl (i32.mul (local.get $p) (local.get $n)) (i32.const 2))))
      (local.set $dst (i32.add (local.get $bp) (i32.shl (local.get $p) (i32.const 5))))
      (local.set $col (i32.const 0))
      (block $fullDone (loop $fullNext
        (br_if $fullDone (i32.gt_u (i32.add (local.get $col) (i32.const 8)) (local.get $n)))
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
        (local.set $src (i32.add (local.get $src) (i32.const 32)))
        (local.set $dst (i32.add (local.get $dst) (local.get $panel)))
        (local.set $col (i32.add (local.get $col) (i32.const 8)))
        (br $fullNext)))
      (if (i32.lt_u (local.get $col) (local.get $n))
        (then
          (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
          (v128.store offset=16 (local.get $dst) (v128.const i32x4 0 0 0 0))
          (memory.copy (local.get $dst) (local.get $src) (i32.shl (i32.sub (local.get $n) (local.get $col)) (i32.const 2)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $rNext))))

  ;; dst[c, r] = src[r, c] for src [rows, cols] (row-major), in blocks of 8 rows for the cache.
  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $r0 i32) (local $r i32) (local $r1 i32) (local $c i32)
    (block $bDone (loop $bNext
      (br_if $bDone (i32.ge_u (local.get $r0) (local.get $rows)))
      (local.set $r1 (i32.add (local.get $r0) (i32.const 8)))
      (if (i32.gt_u (local.get $r1) (local.get $rows)) (then (local.set $r1 (local.get $rows))))
      (local.set $c (i32.const 0))
      (block $cDone (loop $cNext
        (br_if $cDone (i32.ge_u (local.get $c) (local.get $cols)))
        (local.set $r (local.get $r0))
        (block $rDone (loop $rNext
          (br_if $rDone (i32.ge_u (local.get $r) (local.get $r1)))
          (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
            (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $rNext)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $cNext)))
      (local.set $r0 (local.get $r1))
      (br $bNext))))

  ;; @include fragments/float-zero-skip.wat
)
