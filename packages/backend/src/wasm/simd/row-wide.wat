;; The one-thread float32 product over lists of each row's nonzero steps, 32 columns a step (row-wide.ts
;; beside this file; float-zero-skip.ts decides when): row-steps.wat's lists and walk, but each listed
;; step of a row is 8 multiply-adds on 8 loads of b (its 32 columns) instead of 4 on 4, so that the
;; step's other work (its list entry's load, the value's splat, the pointer and the loop's test) is
;; spread over twice as many multiply-adds, as a pair-step's is; one row at a time (its 8 accumulators
;; hide the multiply-adds' latency). Needs n % 32 == 0. Pointers are byte offsets into
;; tfjs-backend-wasm's memory (env.memory); every tensor float32, row-major.
(module
  (import "env" "memory" (memory 0))

  ;; @include fragments/panel-copy.wat

  ;; @include fragments/row-lists.wat

  ;; rowLists per block of 256 steps (32 KB of matMulRows' two panels)
  (func (export "rowSteps") (param $a i32) (param $lists i32) (param $m i32) (param $k i32) (param $panel i32) (result i32)
    (call $rowLists (local.get $a) (local.get $lists) (local.get $m) (local.get $k) (local.get $panel) (i32.const 8)))

  ;; out[m, n] = a[m, k] . b[k, n], all row-major, over rowSteps's lists of a (made with this panel):
  ;; each row walks only its listed steps, 32 columns of out at a time in 8 vector accumulators, the steps
  ;; in order: the sums of the dense product, less terms of ±0. Needs n % 32 == 0. The panel is two
  ;; panels of 16 columns, copied by copyPanel (flags & 1: b given transposed, as bT[n, k]) one after
  ;; the other (k * 64 bytes apart: a list entry's panel row serves both), then each block of 256 steps
  ;; (32 KB of the two panels, in a 48 KB L1) walks every row, out carrying the sums between blocks. A
  ;; step's two halves (columns 0-15, 16-31) are split by a branch, and steps by another: V8 schedules
  ;; within a block of straight code, and given one step's 8 loads together (in its unrolled copies too)
  ;; it issues them all before the multiply-adds and spills accumulators. A 16-column panel holding an
  ;; Infinity or a NaN (0 x Infinity is NaN), or every one where flags & 2, walks every step of each row
  ;; instead, reading a; then its 32 columns walk as two of 16, the other over its list where its b is
  ;; finite (the pairs' panels alike). Returns how many panels of 16 columns walked every step.
  (func (export "matMulRows") (param $a i32) (param $b i32) (param $out i32) (param $m i32) (param $k i32) (param $n i32)
    (param $lists i32) (param $panel i32) (param $flags i32) (result i32)
    (local $j i32) (local $rowA i32) (local $rowB i32) (local $kBlocks i32) (local $kb i32) (local $dense i32)
    (local $denseCount i32) (local $r i32) (local $o i32) (local $eNext i32) (local $eStride i32) (local $half i32)
    (local $bp i32) (local $idx i32) (local $pEnd i32) (local $aRow i32) (local $lp i32) (local $le i32) (local $h i32)
    (local $x v128) (local $e i64)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $rowA (i32.shl (local.get $k) (i32.const 2)))
    (local.set $rowB (i32.shl (local.get $n) (i32.const 2)))
    (local.set $half (i32.shl (local.get $k) (i32.const 6)))
    (local.set $kBlocks (i32.shr_u (i32.add (local.get $k) (i32.const 255)) (i32.const 8)))
    (local.set $eStride (i32.shl (local.get $kBlocks) (i32.const 3)))
    (block $jDone (loop $jNext
      (br_if $jDone (i32.ge_u (local.get $j) (local.get $rowB)))
      ;; (dense: bit 0 where the first 16 columns walk every step, bit 1 the second)
      (local.set $dense (i32.or
        (call $copyPanel (local.get $b) (local.get $j) (local.get $rowA) (local.get $rowB) (local.get $panel) (local.get $flags))
        (i32.shl (call $copyPanel (local.get $b) (i32.add (local.get $j) (i32.const 64)) (local.get $rowA) (local.get $rowB)
          (i32.add (local.get $panel) (local.get $half)) (local.get $flags)) (i32.const 1))))
      (local.set $denseCount (i32.add (local.get $denseCount) (i32.popcnt (local.get $dense))))
      (local.set $kb (i32.const 0))
      (block $kbDone (loop $kbNext
        (br_if $kbDone (i32.ge_u (local.get $kb) (local.get $kBlocks)))
        (local.set $eNext (i32.add (local.get $lists) (i32.shl (local.get $kb) (i32.const 3))))
        (local.set $o (i32.add (local.get $out) (local.get $j)))
        (local.set $aRow (local.get $a))
        (local.set $r (i32.const 0))
        (block $rDone (loop $rNext
          (br_if $rDone (i32.ge_u (local.get $r) (local.get $m)))
          (if (local.get $dense)
            (then
              ;; columns 0-15 then 16-31, each over every step or its list
              (local.set $h (i32.const 0))
              (loop $dHalf
                (if (local.get $kb)
                  (then
                    (local.set $acc0 (v128.load (local.get $o))) (local.set $acc1 (v128.load offset=16 (local.get $o)))
                    (local.set $acc2 (v128.load offset=32 (local.get $o))) (local.set $acc3 (v128.load offset=48 (local.get $o))))
                  (else
                    (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
                    (local.set $acc2 (v128.const i32x4 0 0 0 0)) (local.set $acc3 (v128.const i32x4 0 0 0 0))))
                (if (i32.and (local.get $dense) (select (i32.const 2) (i32.const 1) (local.get $h)))
                  (then
                    (local.set $idx (i32.shl (local.get $kb) (i32.const 10)))
                    (local.set $pEnd (select (local.get $rowA) (i32.add (local.get $idx) (i32.const 1024))
                      (i32.lt_u (i32.sub (local.get $rowA) (local.get $idx)) (i32.const 1024))))
                    (loop $dStep
                      (local.set $bp (i32.add (i32.add (local.get $panel) (local.get $h)) (i32.shl (local.get $idx) (i32.const 4))))
                      (local.set $x (v128.load32_splat (i32.add (local.get $aRow) (local.get $idx))))
                      (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $x) (v128.load (local.get $bp)))))
                      (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
                      (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $bp)))))
                      (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $bp)))))
                      (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
                      (br_if $dStep (i32.lt_u (local.get $idx) (local.get $pEnd)))))
                  (else
                    ;; (this half's b is finite: its list, 16 columns a step)
                    (local.set $lp (i32.load (local.get $eNext)))
                    (local.set $le (i32.load offset=4 (local.get $eNext)))
                    (block $lDone (loop $lStep
                      (br_if $lDone (i32.eq (local.get $lp) (local.get $le)))
                      (local.set $e (i64.load (local.get $lp)))
                      (local.set $bp (i32.add (i32.wrap_i64 (local.get $e)) (local.get $h)))
                      (local.set $x (i32x4.splat (i32.wrap_i64 (i64.shr_u (local.get $e) (i64.const 32)))))
                      (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $x) (v128.load (local.get $bp)))))
                      (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
                      (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $bp)))))
                      (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $bp)))))
                      (local.set $lp (i32.add (local.get $lp) (i32.const 8)))
                      (br $lStep)))))
                (v128.store (local.get $o) (local.get $acc0)) (v128.store offset=16 (local.get $o) (local.get $acc1))
                (v128.store offset=32 (local.get $o) (local.get $acc2)) (v128.store offset=48 (local.get $o) (local.get $acc3))
                (local.set $o (i32.add (local.get $o) (i32.const 64)))
                (local.set $h (i32.add (local.get $h) (local.get $half)))
                (br_if $dHalf (i32.eq (local.get $h) (local.get $half))))
              (local.set $o (i32.sub (local.get $o) (i32.const 128))))
            (else
              (local.set $lp (i32.load (local.get $eNext)))
              (local.set $le (i32.load offset=4 (local.get $eNext)))
              (if (i32.ne (local.get $lp) (local.get $le)) (then
                (if (local.get $kb)
                  (then
                    (local.set $acc0 (v128.load (local.get $o))) (local.set $acc1 (v128.load offset=16 (local.get $o)))
                    (local.set $acc2 (v128.load offset=32 (local.get $o))) (local.set $acc3 (v128.load offset=48 (local.get $o)))
                    (local.set $acc4 (v128.load offset=64 (local.get $o))) (local.set $acc5 (v128.load offset=80 (local.get $o)))
                    (local.set $acc6 (v128.load offset=96 (local.get $o))) (local.set $acc7 (v128.load offset=112 (local.get $o))))
                  (else
                    (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
                    (local.set $acc2 (v128.const i32x4 0 0 0 0)) (local.set $acc3 (v128.const i32x4 0 0 0 0))
                    (local.set $acc4 (v128.const i32x4 0 0 0 0)) (local.set $acc5 (v128.const i32x4 0 0 0 0))
                    (local.set $acc6 (v128.const i32x4 0 0 0 0)) (local.set $acc7 (v128.const i32x4 0 0 0 0))))
                (block $done (block $last (loop $step
                  (local.set $e (i64.load (local.get $lp)))
                  (local.set $bp (i32.wrap_i64 (local.get $e)))
                  (local.set $x (i32x4.splat (i32.wrap_i64 (i64.shr_u (local.get $e) (i64.const 32)))))
                  (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $x) (v128.load (local.get $bp)))))
                  (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
                  (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $bp)))))
                  (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $bp)))))
                  (local.set $lp (i32.add (local.get $lp) (i32.const 8)))
                  (br_if $last (i32.eq (local.get $lp) (local.get $le)))
                  (local.set $bp (i32.add (local.get $bp) (local.get $half)))
                  (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $x) (v128.load (local.get $bp)))))
                  (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
                  (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $bp)))))
                  (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $bp)))))
                  (br_if $step (i32.lt_u (local.get $lp) (local.get $le))))
                  (br $done))
                  (local.set $bp (i32.add (local.get $bp) (local.get $half)))
                  (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $x) (v128.load (local.get $bp)))))
                  (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
                  (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $bp)))))
                  (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $bp))))))
                (v128.store (local.get $o) (local.get $acc0)) (v128.store offset=16 (local.get $o) (local.get $acc1))
                (v128.store offset=32 (local.get $o) (local.get $acc2)) (v128.store offset=48 (local.get $o) (local.get $acc3))
                (v128.store offset=64 (local.get $o) (local.get $acc4)) (v128.store offset=80 (local.get $o) (local.get $acc5))
                (v128.store offset=96 (local.get $o) (local.get $acc6)) (v128.store offset=112 (local.get $o) (local.get $acc7)))
              (else (if (i32.eqz (local.get $kb)) (then
                (v128.store (local.get $o) (v128.const i32x4 0 0 0 0)) (v128.store offset=16 (local.get $o) (v128.const i32x4 0 0 0 0))
                (v128.store offset=32 (local.get $o) (v128.const i32x4 0 0 0 0)) (v128.store offset=48 (local.get $o) (v128.const i32x4 0 0 0 0))
                (v128.store offset=64 (local.get $o) (v128.const i32x4 0 0 0 0)) (v128.store offset=80 (local.get $o) (v128.const i32x4 0 0 0 0))
                (v128.store offset=96 (local.get $o) (v128.const i32x4 0 0 0 0)) (v128.store offset=112 (local.get $o) (v128.const i32x4 0 0 0 0))))))))
          (local.set $o (i32.add (local.get $o) (local.get $rowB)))
          (local.set $aRow (i32.add (local.get $aRow) (local.get $rowA)))
          (local.set $eNext (i32.add (local.get $eNext) (local.get $eStride)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $rNext)))
        (local.set $kb (i32.add (local.get $kb) (i32.const 1)))
        (br $kbNext)))
      (local.set $j (i32.add (local.get $j) (i32.const 128)))
      (br $jNext)))
    (local.get $denseCount))
)
