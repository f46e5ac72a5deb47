;; The one-thread float32 product over lists of each row's nonzero steps (row-steps.ts beside this file;
;; float-zero-skip.ts decides when): where op(a)'s zeros fall independently in each row (MNIST's pixels, a
;; ReLU's output, its gradient), a row lists about 3/4 of what a pair of rows (pair-steps.wat) lists, but
;; its steps share no load: a row's step is 4 multiply-adds on 4 loads of b, a pair's 8 on 4. Two rows walk
;; at once, each its own list, so that 8 accumulators hide the multiply-adds' latency. Pointers are byte
;; offsets into tfjs-backend-wasm's memory (env.memory); every tensor float32, row-major.
(module
  (import "env" "memory" (memory 0))

  ;; @include fragments/panel-copy.wat

  ;; @include fragments/row-lists.wat

  ;; rowLists per block of 512 steps (32 KB of matMulRows' panel)
  (func (export "rowSteps") (param $a i32) (param $lists i32) (param $m i32) (param $k i32) (param $panel i32) (result i32)
    (call $rowLists (local.get $a) (local.get $lists) (local.get $m) (local.get $k) (local.get $panel) (i32.const 9)))

  ;; out[m, n] = a[m, k] . b[k, n], all row-major, over rowSteps's lists of a (made with this panel): each
  ;; row walks only its listed steps, 16 columns of out at a time in 4 vector accumulators, the steps in
  ;; order: the sums of the dense product, less terms of ±0. Needs n % 16 == 0. Panel by panel (copied by
  ;; copyPanel; flags & 1: b given transposed, as bT[n, k]), then each block of 512 steps (32 KB of the
  ;; panel, in a 48 KB L1), out carrying the sums between blocks: two slots, A and B, each walk a row, one
  ;; step of each in turn; a slot whose row ends stores its sums and takes the next row, and the last row
  ;; left finishes alone. A panel holding an Infinity or a NaN (0 x Infinity is NaN), or every panel where
  ;; flags & 2, walks every step of each row instead, reading a. Returns how many panels walked every step.
  (func (export "matMulRows") (param $a i32) (param $b i32) (param $out i32) (param $m i32) (param $k i32) (param $n i32)
    (param $lists i32) (param $panel i32) (param $flags i32) (result i32)
    (local $j i32) (local $rowA i32) (local $rowB i32) (local $kBlocks i32) (local $kb i32) (local $dense i32)
    (local $denseCount i32) (local $next i32) (local $oNext i32) (local $eNext i32) (local $eStride i32)
    (local $cnt i32) (local $stopA i32) (local $stopB i32) (local $bp i32) (local $idx i32) (local $pEnd i32) (local $aRow i32)
    (local $oA i32) (local $oB i32) (local $lpA i32) (local $lpB i32) (local $leA i32) (local $leB i32)
    (local $e i64) (local $x v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $rowA (i32.shl (local.get $k) (i32.const 2)))
    (local.set $rowB (i32.shl (local.get $n) (i32.const 2)))
    (local.set $kBlocks (i32.shr_u (i32.add (local.get $k) (i32.const 511)) (i32.const 9)))
    (local.set $eStride (i32.shl (local.get $kBlocks) (i32.const 3)))
    (block $jDone (loop $jNext
      (br_if $jDone (i32.ge_u (local.get $j) (local.get $rowB)))
      (local.set $dense (call $copyPanel (local.get $b) (local.get $j) (local.get $rowA) (local.get $rowB)
        (local.get $panel) (local.get $flags)))
      (local.set $denseCount (i32.add (local.get $denseCount) (local.get $dense)))
      (local.set $kb (i32.const 0))
      (block $kbDone (loop $kbNext
        (br_if $kbDone (i32.ge_u (local.get $kb) (local.get $kBlocks)))
        (local.set $next (i32.const 0))
        (local.set $oNext (i32.add (local.get $out) (local.get $j)))
        (local.set $eNext (i32.add (local.get $lists) (i32.shl (local.get $kb) (i32.const 3))))
        (block $blockDone
        (if (local.get $dense) (then
          ;; every row walks every step of the block, a's values read in place
          (local.set $aRow (local.get $a))
          (loop $dRow
            (local.set $oA (local.get $oNext))
            (local.set $oNext (i32.add (local.get $oNext) (local.get $rowB)))
            (if (local.get $kb)
              (then
                (local.set $acc0 (v128.load (local.get $oA))) (local.set $acc1 (v128.load offset=16 (local.get $oA)))
                (local.set $acc2 (v128.load offset=32 (local.get $oA))) (local.set $acc3 (v128.load offset=48 (local.get $oA))))
              (else
                (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
                (local.set $acc2 (v128.const i32x4 0 0 0 0)) (local.set $acc3 (v128.const i32x4 0 0 0 0))))
            (local.set $next (i32.add (local.get $next) (i32.const 1)))
            (local.set $idx (i32.shl (local.get $kb) (i32.const 11)))
            (local.set $pEnd (select (local.get $rowA) (i32.add (local.get $idx) (i32.const 2048))
              (i32.lt_u (i32.sub (local.get $rowA) (local.get $idx)) (i32.const 2048))))
            (loop $dStep
              (local.set $bp (i32.add (local.get $panel) (i32.shl (local.get $idx) (i32.const 4))))
              (local.set $x (v128.load32_splat (i32.add (local.get $aRow) (local.get $idx))))
              (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $x) (v128.load (local.get $bp)))))
              (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
              (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $bp)))))
              (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $bp)))))
              (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
              (br_if $dStep (i32.lt_u (local.get $idx) (local.get $pEnd))))
            (v128.store (local.get $oA) (local.get $acc0)) (v128.store offset=16 (local.get $oA) (local.get $acc1))
            (v128.store offset=32 (local.get $oA) (local.get $acc2)) (v128.store offset=48 (local.get $oA) (local.get $acc3))
            (local.set $aRow (i32.add (local.get $aRow) (local.get $rowA)))
            (br_if $dRow (i32.lt_u (local.get $next) (local.get $m))))
          (br $blockDone)))
        (block $soloA
        (block $soloB
          ;; (both slots start as ended rows, whose sums go to a spare 64 bytes after the panel)
          (local.set $oA (i32.add (local.get $panel) (i32.shl (local.get $rowA) (i32.const 4))))
          (local.set $oB (local.get $oA))
          (local.set $lpA (i32.const 0)) (local.set $leA (i32.const 0))
          (local.set $lpB (i32.const 0)) (local.set $leB (i32.const 0))
          (loop $turn
            (if (i32.eq (local.get $lpA) (local.get $leA)) (then
              (v128.store (local.get $oA) (local.get $acc0)) (v128.store offset=16 (local.get $oA) (local.get $acc1))
              (v128.store offset=32 (local.get $oA) (local.get $acc2)) (v128.store offset=48 (local.get $oA) (local.get $acc3))
              (br_if $soloB (i32.ge_u (local.get $next) (local.get $m)))
              ;; slot A takes row next: its sums so far (0 in the first block), its list in this block
              (local.set $oA (local.get $oNext))
              (local.set $oNext (i32.add (local.get $oNext) (local.get $rowB)))
              (if (local.get $kb)
                (then
                  (local.set $acc0 (v128.load (local.get $oA))) (local.set $acc1 (v128.load offset=16 (local.get $oA)))
                  (local.set $acc2 (v128.load offset=32 (local.get $oA))) (local.set $acc3 (v128.load offset=48 (local.get $oA))))
                (else
                  (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
                  (local.set $acc2 (v128.const i32x4 0 0 0 0)) (local.set $acc3 (v128.const i32x4 0 0 0 0))))
              (local.set $lpA (i32.load (local.get $eNext)))
              (local.set $leA (i32.load offset=4 (local.get $eNext)))
              (local.set $eNext (i32.add (local.get $eNext) (local.get $eStride)))
              (local.set $next (i32.add (local.get $next) (i32.const 1)))))
            (if (i32.eq (local.get $lpB) (local.get $leB)) (then
              (v128.store (local.get $oB) (local.get $acc4)) (v128.store offset=16 (local.get $oB) (local.get $acc5))
              (v128.store offset=32 (local.get $oB) (local.get $acc6)) (v128.store offset=48 (local.get $oB) (local.get $acc7))
              (br_if $soloA (i32.ge_u (local.get $next) (local.get $m)))
              ;; slot B takes row next: its sums so far (0 in the first block), its list in this block
              (local.set $oB (local.get $oNext))
              (local.set $oNext (i32.add (local.get $oNext) (local.get $rowB)))
              (if (local.get $kb)
                (then
                  (local.set $acc4 (v128.load (local.get $oB))) (local.set $acc5 (v128.load offset=16 (local.get $oB)))
                  (local.set $acc6 (v128.load offset=32 (local.get $oB))) (local.set $acc7 (v128.load offset=48 (local.get $oB))))
                (else
                  (local.set $acc4 (v128.const i32x4 0 0 0 0)) (local.set $acc5 (v128.const i32x4 0 0 0 0))
                  (local.set $acc6 (v128.const i32x4 0 0 0 0)) (local.set $acc7 (v128.const i32x4 0 0 0 0))))
              (local.set $lpB (i32.load (local.get $eNext)))
              (local.set $leB (i32.load offset=4 (local.get $eNext)))
              (local.set $eNext (i32.add (local.get $eNext) (local.get $eStride)))
              (local.set $next (i32.add (local.get $next) (i32.const 1)))))
            ;; both slots walk min(A's steps left, B's) steps
            (local.set $cnt (select (i32.sub (local.get $leA) (local.get $lpA)) (i32.sub (local.get $leB) (local.get $lpB))
              (i32.lt_u (i32.sub (local.get $leA) (local.get $lpA)) (i32.sub (local.get $leB) (local.get $lpB)))))
            ;; (a branch after each slot's step makes V8 finish that slot's multiply-adds before the other
            ;; slot's loads, in the copies its loop unrolling makes too: else it loads both steps' 8 vectors
            ;; first and spills accumulators to the stack; so the last B step follows the loop)
            (if (local.get $cnt) (then
              (local.set $stopA (i32.add (local.get $lpA) (local.get $cnt)))
              (local.set $stopB (i32.add (local.get $lpB) (local.get $cnt)))
              (block $zipDone (block $lastB (loop $zip
              ;; (one 64-bit load: the panel row's address and the bits of a's value, splat through an integer
              ;; register: one load of the step's 5 fewer than a load32_splat's)
              (local.set $e (i64.load (local.get $lpA)))
              (local.set $bp (i32.wrap_i64 (local.get $e)))
              (local.set $x (i32x4.splat (i32.wrap_i64 (i64.shr_u (local.get $e) (i64.const 32)))))
              (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $x) (v128.load (local.get $bp)))))
              (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
              (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $bp)))))
              (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $bp)))))
              (local.set $lpA (i32.add (local.get $lpA) (i32.const 8)))
              (br_if $lastB (i32.eq (local.get $lpA) (local.get $stopA)))
              (local.set $e (i64.load (local.get $lpB)))
              (local.set $bp (i32.wrap_i64 (local.get $e)))
              (local.set $x (i32x4.splat (i32.wrap_i64 (i64.shr_u (local.get $e) (i64.const 32)))))
              (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $x) (v128.load (local.get $bp)))))
              (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
              (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $bp)))))
              (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $bp)))))
              (local.set $lpB (i32.add (local.get $lpB) (i32.const 8)))
              (br_if $zip (i32.ne (local.get $lpB) (local.get $stopB))))
              (br $zipDone))
              (local.set $e (i64.load (local.get $lpB)))
              (local.set $bp (i32.wrap_i64 (local.get $e)))
              (local.set $x (i32x4.splat (i32.wrap_i64 (i64.shr_u (local.get $e) (i64.const 32)))))
              (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $x) (v128.load (local.get $bp)))))
              (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
              (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $bp)))))
              (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $bp)))))
              (local.set $lpB (i32.add (local.get $lpB) (i32.const 8))))))
            (br $turn)))
          ;; no row left for slot A: slot B's row goes on alone, moved into slot A
          (local.set $oA (local.get $oB)) (local.set $lpA (local.get $lpB)) (local.set $leA (local.get $leB))
          (local.set $acc0 (local.get $acc4)) (local.set $acc1 (local.get $acc5))
          (local.set $acc2 (local.get $acc6)) (local.set $acc3 (local.get $acc7)))
        ;; slot A's row alone to its end
        (if (i32.lt_u (local.get $lpA) (local.get $leA)) (then (loop $alone
          (local.set $e (i64.load (local.get $lpA)))
          (local.set $bp (i32.wrap_i64 (local.get $e)))
          (local.set $x (i32x4.splat (i32.wrap_i64 (i64.shr_u (local.get $e) (i64.const 32)))))
          (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $x) (v128.load (local.get $bp)))))
          (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
          (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $bp)))))
          (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $bp)))))
          (local.set $lpA (i32.add (local.get $lpA) (i32.const 8)))
          (br_if $alone (i32.lt_u (local.get $lpA) (local.get $leA))))))
        (v128.store (local.get $oA) (local.get $acc0)) (v128.store offset=16 (local.get $oA) (local.get $acc1))
        (v128.store offset=32 (local.get $oA) (local.get $acc2)) (v128.store offset=48 (local.get $oA) (local.get $acc3)))
        (local.set $kb (i32.add (local.get $kb) (i32.const 1)))
        (br $kbNext)))
      (local.set $j (i32.add (local.get $j) (i32.const 64)))
      (br $jNext)))
    (local.get $denseCount))
)
