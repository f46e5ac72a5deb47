;; tensorfold's integer inference kernels (int8 weights, dynamically quantized int8 activations,
;; int32 accumulation). They run on tfjs-backend-wasm's memory (env.memory); every pointer is a byte
;; offset into it. Compiled by scripts/compile-simd-kernels.mjs; int8-kernels.ts holds the contracts.
;;
;; Integers are held as int16 so that i32x4.dot_i16x8_s multiplies 8 pairs and adds them pairwise
;; into 4 int32 lanes. Weights come two to an int32 (low half: row 2r of the kernel, high half: row
;; 2r + 1); an activation pair is splatted over the 4 lanes, so one dot
;; gives 4 columns' sums over 2 rows of k. The weights come in blocks of 8 columns ([pairs, 8] each),
;; so that a block's pairs are read in order.
;;
;; The FMA build (relaxed SIMD; lines marked `;;fma `) also multiplies byte levels: where no input is
;; negative, levels in [0, 127] and the weights repacked by packQuads as 4 bytes of k per column go
;; through i16x8.relaxed_dot_i8x16_i7x16_s (16 multiply-adds an instruction, deterministic for a
;; second operand in [0, 127]) and i32x4.dot_i16x8_s with 1s (extadd_pairwise's sums): the same int32 sums.
;; quantizeRows and finish come from fragments/ (one text for this module, threaded-int8.wat and
;; threaded-int8-chain.wat); threaded-int8.wat holds copies of gemm and im2col for the thread pool;
;; keep them in step.
(module
  (import "env" "memory" (memory 0))

  ;; @include fragments/int8-quantize-rows.wat
  (export "quantizeRows" (func $quantizeRows))

  ;; @include fragments/int8-finish.wat

  ;; out[i, j] = act(sum_k a[i, k] w[k, j] * rowScales[i] * colScales[j] + bias[j]) for i < m, j < n.
  ;; a: int16 [m, 2 * pairs]; w: int32 [nPad / 8, pairs, 8] (weight pairs, 8 columns a block, zero past n);
  ;; colScales, bias: float32 [nPad]; out: float32 [m, n]. Row i's scale is at rowScales + i * rowStep
  ;; (rowStep 0: one scale for all rows). relu != 0 clamps at 0. 4 rows x 8 columns at a time.
  ;; bytes = 1 (FMA build): `pairs` counts units of 4 bytes, a holds byte levels in [0, 127] and w the
  ;; packQuads layout [nPad / 8, units, 8 columns x 4 bytes].
  (func (export "gemm")
    (param $a i32) (param $w i32) (param $out i32) (param $m i32) (param $pairs i32) (param $n i32)
    (param $nPad i32) (param $rowScales i32) (param $rowStep i32) (param $colScales i32) (param $bias i32)
    (param $relu i32) (param $bytes i32)
    (local $i i32) (local $j i32) (local $rowBytes i32) (local $wStep i32) (local $last i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $wp i32) (local $end i32)
    (local $o i32) (local $s i32) (local $jb i32)
    (local $w0 v128) (local $w1 v128) (local $x v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local $cs0 v128) (local $cs1 v128) (local $b0 v128) (local $b1 v128) (local $floor v128)
    (local $zero v128) ;; never set: 0
;;fma     (local $one v128) ;; 1s: the byte products' int16 pairs widen by i32x4.dot_i16x8_s with them, extadd_pairwise's
;;fma     ;; sums (both x64's pmaddwd by 1s), but V8 loads extadd_pairwise's 1s from memory at each use
    (local.set $floor (select (v128.const i32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (local.get $relu)))
;;fma     (local.set $one (i16x8.splat (i32.const 1)))
    (local.set $rowBytes (i32.shl (local.get $pairs) (i32.const 2)))
    (local.set $wStep (i32.shl (local.get $pairs) (i32.const 5)))
    (local.set $last (i32.add (local.get $a) (i32.mul (i32.sub (local.get $m) (i32.const 1)) (local.get $rowBytes))))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_s (local.get $j) (local.get $nPad)))
      ;; this block's column scales and bias, and the floor of the activation (-inf: none, 0: relu),
      ;; applied as f32x4.pmax(y, floor) = y < floor ? floor : y (the reference's; one x64 instruction)
      (local.set $jb (i32.shl (local.get $j) (i32.const 2)))
      (local.set $cs0 (v128.load (i32.add (local.get $colScales) (local.get $jb))))
      (local.set $cs1 (v128.load offset=16 (i32.add (local.get $colScales) (local.get $jb))))
      (local.set $b0 (v128.load (i32.add (local.get $bias) (local.get $jb))))
      (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (local.get $jb))))
      (local.set $i (i32.const 0))
      (block $id (loop $il
        (br_if $id (i32.ge_s (local.get $i) (local.get $m)))
        ;; rows i..i+3, the ones past m read row m-1 (their sums are not written)
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $a1 (select (i32.add (local.get $a0) (local.get $rowBytes)) (local.get $last)
          (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $m))))
        (local.set $a2 (select (i32.add (local.get $a1) (local.get $rowBytes)) (local.get $last)
          (i32.lt_s (i32.add (local.get $i) (i32.const 2)) (local.get $m))))
        (local.set $a3 (select (i32.add (local.get $a2) (local.get $rowBytes)) (local.get $last)
          (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $m))))
        (local.set $acc0 (local.get $zero)) (local.set $acc1 (local.get $zero))
        (local.set $acc2 (local.get $zero)) (local.set $acc3 (local.get $zero))
        (local.set $acc4 (local.get $zero)) (local.set $acc5 (local.get $zero))
        (local.set $acc6 (local.get $zero)) (local.set $acc7 (local.get $zero))
        ;; the block of columns j..j+7 of w, two pairs of k a turn, then the odd one
        (local.set $wp (i32.add (local.get $w) (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (local.get $wStep))))
        (local.set $end (i32.add (local.get $a0) (i32.and (local.get $rowBytes) (i32.const -8))))
        ;; byte levels (the FMA build): 4 levels of k a unit, relaxed i8 dot products summed pairwise
;;fma         (if (local.get $bytes) (then
;;fma         (block $bd (loop $bl
;;fma           (br_if $bd (i32.ge_u (local.get $a0) (local.get $end)))
;;fma           (local.set $w0 (v128.load offset=0 (local.get $wp)))
;;fma           (local.set $w1 (v128.load offset=16 (local.get $wp)))
;;fma           (local.set $x (v128.load32_splat offset=0 (local.get $a0)))
;;fma           (local.set $acc0 (i32x4.add (local.get $acc0) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc1 (i32x4.add (local.get $acc1) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat offset=0 (local.get $a1)))
;;fma           (local.set $acc2 (i32x4.add (local.get $acc2) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc3 (i32x4.add (local.get $acc3) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat offset=0 (local.get $a2)))
;;fma           (local.set $acc4 (i32x4.add (local.get $acc4) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc5 (i32x4.add (local.get $acc5) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat offset=0 (local.get $a3)))
;;fma           (local.set $acc6 (i32x4.add (local.get $acc6) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc7 (i32x4.add (local.get $acc7) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $w0 (v128.load offset=32 (local.get $wp)))
;;fma           (local.set $w1 (v128.load offset=48 (local.get $wp)))
;;fma           (local.set $x (v128.load32_splat offset=4 (local.get $a0)))
;;fma           (local.set $acc0 (i32x4.add (local.get $acc0) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc1 (i32x4.add (local.get $acc1) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat offset=4 (local.get $a1)))
;;fma           (local.set $acc2 (i32x4.add (local.get $acc2) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc3 (i32x4.add (local.get $acc3) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat offset=4 (local.get $a2)))
;;fma           (local.set $acc4 (i32x4.add (local.get $acc4) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc5 (i32x4.add (local.get $acc5) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat offset=4 (local.get $a3)))
;;fma           (local.set $acc6 (i32x4.add (local.get $acc6) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc7 (i32x4.add (local.get $acc7) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $a0 (i32.add (local.get $a0) (i32.const 8)))
;;fma           (local.set $a1 (i32.add (local.get $a1) (i32.const 8)))
;;fma           (local.set $a2 (i32.add (local.get $a2) (i32.const 8)))
;;fma           (local.set $a3 (i32.add (local.get $a3) (i32.const 8)))
;;fma           (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
;;fma           (br $bl)))
;;fma         (if (i32.and (local.get $pairs) (i32.const 1)) (then
;;fma           (local.set $w0 (v128.load offset=0 (local.get $wp)))
;;fma           (local.set $w1 (v128.load offset=16 (local.get $wp)))
;;fma           (local.set $x (v128.load32_splat offset=0 (local.get $a0)))
;;fma           (local.set $acc0 (i32x4.add (local.get $acc0) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc1 (i32x4.add (local.get $acc1) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat offset=0 (local.get $a1)))
;;fma           (local.set $acc2 (i32x4.add (local.get $acc2) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc3 (i32x4.add (local.get $acc3) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat offset=0 (local.get $a2)))
;;fma           (local.set $acc4 (i32x4.add (local.get $acc4) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc5 (i32x4.add (local.get $acc5) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat offset=0 (local.get $a3)))
;;fma           (local.set $acc6 (i32x4.add (local.get $acc6) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc7 (i32x4.add (local.get $acc7) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma         ))
;;fma         ) (else
        (block $kd (loop $kl
          (br_if $kd (i32.ge_u (local.get $a0) (local.get $end)))
          (local.set $w0 (v128.load offset=0 (local.get $wp)))
          (local.set $w1 (v128.load offset=16 (local.get $wp)))
          (local.set $x (v128.load32_splat offset=0 (local.get $a0)))
          (local.set $acc0 (i32x4.add (local.get $acc0) (i32x4.dot_i16x8_s (local.get $x) (local.get $w0))))
          (local.set $acc1 (i32x4.add (local.get $acc1) (i32x4.dot_i16x8_s (local.get $x) (local.get $w1))))
          (local.set $x (v128.load32_splat offset=0 (local.get $a1)))
          (local.set $acc2 (i32x4.add (local.get $acc2) (i32x4.dot_i16x8_s (local.get $x) (local.get $w0))))
          (local.set $acc3 (i32x4.add (local.get $acc3) (i32x4.dot_i16x8_s (local.get $x) (local.get $w1))))
          (local.set $x (v128.load32_splat offset=0 (local.get $a2)))
          (local.set $acc4 (i32x4.add (local.get $acc4) (i32x4.dot_i16x8_s (local.get $x) (local.get $w0))))
          (local.set $acc5 (i32x4.add (local.get $acc5) (i32x4.dot_i16x8_s (local.get $x) (local.get $w1))))
          (local.set $x (v128.load32_splat offset=0 (local.get $a3)))
          (local.set $acc6 (i32x4.add (local.get $acc6) (i32x4.dot_i16x8_s (local.get $x) (local.get $w0))))
          (local.set $acc7 (i32x4.add (local.get $acc7) (i32x4.dot_i16x8_s (local.get $x) (local.get $w1))))
          (local.set $w0 (v128.load offset=32 (local.get $wp)))
          (local.set $w1 (v128.load offset=48 (local.get $wp)))
          (local.set $x (v128.load32_splat offset=4 (local.get $a0)))
          (local.set $acc0 (i32x4.add (local.get $acc0) (i32x4.dot_i16x8_s (local.get $x) (local.get $w0))))
          (local.set $acc1 (i32x4.add (local.get $acc1) (i32x4.dot_i16x8_s (local.get $x) (local.get $w1))))
          (local.set $x (v128.load32_splat offset=4 (local.get $a1)))
          (local.set $acc2 (i32x4.add (local.get $acc2) (i32x4.dot_i16x8_s (local.get $x) (local.get $w0))))
          (local.set $acc3 (i32x4.add (local.get $acc3) (i32x4.dot_i16x8_s (local.get $x) (local.get $w1))))
          (local.set $x (v128.load32_splat offset=4 (local.get $a2)))
          (local.set $acc4 (i32x4.add (local.get $acc4) (i32x4.dot_i16x8_s (local.get $x) (local.get $w0))))
          (local.set $acc5 (i32x4.add (local.get $acc5) (i32x4.dot_i16x8_s (local.get $x) (local.get $w1))))
          (local.set $x (v128.load32_splat offset=4 (local.get $a3)))
          (local.set $acc6 (i32x4.add (local.get $acc6) (i32x4.dot_i16x8_s (local.get $x) (local.get $w0))))
          (local.set $acc7 (i32x4.add (local.get $acc7) (i32x4.dot_i16x8_s (local.get $x) (local.get $w1))))
          (local.set $a0 (i32.add (local.get $a0) (i32.const 8)))
          (local.set $a1 (i32.add (local.get $a1) (i32.const 8)))
          (local.set $a2 (i32.add (local.get $a2) (i32.const 8)))
          (local.set $a3 (i32.add (local.get $a3) (i32.const 8)))
          (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
          (br $kl)))
        (if (i32.and (local.get $pairs) (i32.const 1)) (then
          (local.set $w0 (v128.load offset=0 (local.get $wp)))
          (local.set $w1 (v128.load offset=16 (local.get $wp)))
          (local.set $x (v128.load32_splat offset=0 (local.get $a0)))
          (local.set $acc0 (i32x4.add (local.get $acc0) (i32x4.dot_i16x8_s (local.get $x) (local.get $w0))))
          (local.set $acc1 (i32x4.add (local.get $acc1) (i32x4.dot_i16x8_s (local.get $x) (local.get $w1))))
          (local.set $x (v128.load32_splat offset=0 (local.get $a1)))
          (local.set $acc2 (i32x4.add (local.get $acc2) (i32x4.dot_i16x8_s (local.get $x) (local.get $w0))))
          (local.set $acc3 (i32x4.add (local.get $acc3) (i32x4.dot_i16x8_s (local.get $x) (local.get $w1))))
          (local.set $x (v128.load32_splat offset=0 (local.get $a2)))
          (local.set $acc4 (i32x4.add (local.get $acc4) (i32x4.dot_i16x8_s (local.get $x) (local.get $w0))))
          (local.set $acc5 (i32x4.add (local.get $acc5) (i32x4.dot_i16x8_s (local.get $x) (local.get $w1))))
          (local.set $x (v128.load32_splat offset=0 (local.get $a3)))
          (local.set $acc6 (i32x4.add (local.get $acc6) (i32x4.dot_i16x8_s (local.get $x) (local.get $w0))))
          (local.set $acc7 (i32x4.add (local.get $acc7) (i32x4.dot_i16x8_s (local.get $x) (local.get $w1))))
        ))
;;fma         ))
        ;; out[i, j], row scale at rowScales + i * rowStep
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
        (local.set $s (i32.add (local.get $rowScales) (i32.mul (local.get $i) (local.get $rowStep))))
        (if (i32.and (i32.le_s (i32.add (local.get $i) (i32.const 4)) (local.get $m))
              (i32.le_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
          (then
            ;; a whole block: act(float(acc) * rowScale * colScales + bias) for 4 rows x 8 columns
            (local.set $x (f32x4.splat (f32.load (local.get $s))))
            (local.set $w0 (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc0))
              (f32x4.mul (local.get $x) (local.get $cs0))) (local.get $b0)))
            (local.set $w1 (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc1))
              (f32x4.mul (local.get $x) (local.get $cs1))) (local.get $b1)))
            (v128.store (i32.add (local.get $o) (local.get $jb)) (f32x4.pmax (local.get $w0) (local.get $floor)))
            (v128.store offset=16 (i32.add (local.get $o) (local.get $jb)) (f32x4.pmax (local.get $w1) (local.get $floor)))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $s (i32.add (local.get $s) (local.get $rowStep)))
            (local.set $x (f32x4.splat (f32.load (local.get $s))))
            (local.set $w0 (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc2))
              (f32x4.mul (local.get $x) (local.get $cs0))) (local.get $b0)))
            (local.set $w1 (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc3))
              (f32x4.mul (local.get $x) (local.get $cs1))) (local.get $b1)))
            (v128.store (i32.add (local.get $o) (local.get $jb)) (f32x4.pmax (local.get $w0) (local.get $floor)))
            (v128.store offset=16 (i32.add (local.get $o) (local.get $jb)) (f32x4.pmax (local.get $w1) (local.get $floor)))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $s (i32.add (local.get $s) (local.get $rowStep)))
            (local.set $x (f32x4.splat (f32.load (local.get $s))))
            (local.set $w0 (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc4))
              (f32x4.mul (local.get $x) (local.get $cs0))) (local.get $b0)))
            (local.set $w1 (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc5))
              (f32x4.mul (local.get $x) (local.get $cs1))) (local.get $b1)))
            (v128.store (i32.add (local.get $o) (local.get $jb)) (f32x4.pmax (local.get $w0) (local.get $floor)))
            (v128.store offset=16 (i32.add (local.get $o) (local.get $jb)) (f32x4.pmax (local.get $w1) (local.get $floor)))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $s (i32.add (local.get $s) (local.get $rowStep)))
            (local.set $x (f32x4.splat (f32.load (local.get $s))))
            (local.set $w0 (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc6))
              (f32x4.mul (local.get $x) (local.get $cs0))) (local.get $b0)))
            (local.set $w1 (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc7))
              (f32x4.mul (local.get $x) (local.get $cs1))) (local.get $b1)))
            (v128.store (i32.add (local.get $o) (local.get $jb)) (f32x4.pmax (local.get $w0) (local.get $floor)))
            (v128.store offset=16 (i32.add (local.get $o) (local.get $jb)) (f32x4.pmax (local.get $w1) (local.get $floor)))
          )
          (else
            (call $finish (local.get $acc0) (local.get $o) (local.get $j) (local.get $n) (local.get $colScales)
              (local.get $bias) (f32.load (local.get $s)) (local.get $relu))
            (call $finish (local.get $acc1) (local.get $o) (i32.add (local.get $j) (i32.const 4)) (local.get $n)
              (local.get $colScales) (local.get $bias) (f32.load (local.get $s)) (local.get $relu))
            (if (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $m)) (then
              (local.set $o (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
              (local.set $s (i32.add (local.get $s) (local.get $rowStep)))
              (call $finish (local.get $acc2) (local.get $o) (local.get $j) (local.get $n) (local.get $colScales)
                (local.get $bias) (f32.load (local.get $s)) (local.get $relu))
              (call $finish (local.get $acc3) (local.get $o) (i32.add (local.get $j) (i32.const 4)) (local.get $n)
                (local.get $colScales) (local.get $bias) (f32.load (local.get $s)) (local.get $relu))))
            (if (i32.lt_s (i32.add (local.get $i) (i32.const 2)) (local.get $m)) (then
              (local.set $o (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
              (local.set $s (i32.add (local.get $s) (local.get $rowStep)))
              (call $finish (local.get $acc4) (local.get $o) (local.get $j) (local.get $n) (local.get $colScales)
                (local.get $bias) (f32.load (local.get $s)) (local.get $relu))
              (call $finish (local.get $acc5) (local.get $o) (i32.add (local.get $j) (i32.const 4)) (local.get $n)
                (local.get $colScales) (local.get $bias) (f32.load (local.get $s)) (local.get $relu))))
            (if (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $m)) (then
              (local.set $o (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
              (local.set $s (i32.add (local.get $s) (local.get $rowStep)))
              (call $finish (local.get $acc6) (local.get $o) (local.get $j) (local.get $n) (local.get $colScales)
                (local.get $bias) (f32.load (local.get $s)) (local.get $relu))
              (call $finish (local.get $acc7) (local.get $o) (i32.add (local.get $j) (i32.const 4)) (local.get $n)
                (local.get $colScales) (local.get $bias) (f32.load (local.get $s)) (local.get $relu))))
          ))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $il)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $jl))))

  ;; Copies `bytes` bytes from src (src 0: writes zeros) 16 at a time (`bytes` rounded up: up to 15
  ;; more are read and written).
  (func $copy (param $dst i32) (param $src i32) (param $bytes i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (local.get $bytes)))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $dst) (local.get $end)))
      (v128.store (local.get $dst) (if (result v128) (local.get $src)
        (then (v128.load (local.get $src))) (else (v128.const i32x4 0 0 0 0))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (if (local.get $src) (then (local.set $src (i32.add (local.get $src) (i32.const 16)))))
      (br $l))))

  ;; The patches of `count` output positions from `first` (row-major over [outH, outW]) of one image
  ;; q [inH, inW, cin] of `pixel` bytes a position (int16 levels: 2 cin, bytes: cin): out[p, (dy * fW + dx) * cin + c] = q[oy*sH - padTop + dy, ox*sW - padLeft + dx, c]
  ;; (0 in the padding), rows `rowBytes` apart. Writes and reads up to 15 bytes past each piece (the
  ;; next piece overwrites them): the caller leaves 16 bytes to spare after `out` and after q's end.
  (func (export "im2col")
    (param $q i32) (param $out i32) (param $first i32) (param $count i32) (param $inH i32) (param $inW i32)
    (param $pixel i32) (param $outW i32) (param $fH i32) (param $fW i32) (param $sH i32) (param $sW i32)
    (param $padTop i32) (param $padLeft i32) (param $rowBytes i32)
    (local $p i32) (local $pos i32) (local $y0 i32) (local $x0 i32) (local $dy i32) (local $dx i32)
    (local $iy i32) (local $ix i32) (local $dst i32)
    (block $pd (loop $pl
      (br_if $pd (i32.ge_s (local.get $p) (local.get $count)))
      (local.set $pos (i32.add (local.get $first) (local.get $p)))
      (local.set $y0 (i32.sub (i32.mul (i32.div_u (local.get $pos) (local.get $outW)) (local.get $sH)) (local.get $padTop)))
      (local.set $x0 (i32.sub (i32.mul (i32.rem_u (local.get $pos) (local.get $outW)) (local.get $sW)) (local.get $padLeft)))
      (local.set $dst (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $rowBytes))))
      (local.set $dy (i32.const 0))
      (block $yd (loop $yl
        (br_if $yd (i32.ge_s (local.get $dy) (local.get $fH)))
        (local.set $iy (i32.add (local.get $y0) (local.get $dy)))
        (if (i32.and (i32.lt_u (local.get $iy) (local.get $inH))
              (i32.and (i32.ge_s (local.get $x0) (i32.const 0))
                (i32.le_s (i32.add (local.get $x0) (local.get $fW)) (local.get $inW))))
          (then
            ;; the whole row of the window lies in the image: one piece (16 bytes or less: one move)
            (local.set $ix (i32.add (local.get $q) (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $inW))
              (local.get $x0)) (local.get $pixel))))
            (if (i32.le_u (i32.mul (local.get $fW) (local.get $pixel)) (i32.const 16))
              (then (v128.store (local.get $dst) (v128.load (local.get $ix))))
              (else (call $copy (local.get $dst) (local.get $ix) (i32.mul (local.get $fW) (local.get $pixel)))))
            (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $fW) (local.get $pixel)))))
          (else
            (local.set $dx (i32.const 0))
            (block $xd (loop $xl
              (br_if $xd (i32.ge_s (local.get $dx) (local.get $fW)))
              (local.set $ix (i32.add (local.get $x0) (local.get $dx)))
              (call $copy (local.get $dst)
                (select
                  (i32.add (local.get $q) (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $inW)) (local.get $ix))
                    (local.get $pixel)))
                  (i32.const 0)
                  (i32.and (i32.lt_u (local.get $iy) (local.get $inH)) (i32.lt_u (local.get $ix) (local.get $inW))))
                (local.get $pixel))
              (local.set $dst (i32.add (local.get $dst) (local.get $pixel)))
              (local.set $dx (i32.add (local.get $dx) (i32.const 1)))
              (br $xl)))))
        (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
        (br $yl)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $pl))))

  ;; The packed int16 weight pairs w [blocks, pairs, 8] as bytes w8 [blocks, quads, 8 columns x 4 levels]
  ;; (quads = ceil(pairs / 2), zero past the last pair) for the byte products. FMA build only (its
  ;; presence tells the caller that the byte products exist).
;;fma   (func (export "packQuads") (param $w i32) (param $w8 i32) (param $blocks i32) (param $pairs i32)
;;fma     (local $b i32) (local $q i32) (local $src i32) (local $odd v128) (local $odd2 v128)
;;fma     (block $bd (loop $bl
;;fma       (br_if $bd (i32.ge_u (local.get $b) (local.get $blocks)))
;;fma       (local.set $src (i32.add (local.get $w) (i32.mul (local.get $b) (i32.shl (local.get $pairs) (i32.const 5)))))
;;fma       (local.set $q (i32.const 0))
;;fma       (block $qd (loop $ql
;;fma         (br_if $qd (i32.ge_u (i32.shl (local.get $q) (i32.const 1)) (local.get $pairs)))
;;fma         ;; pairs 2q and 2q + 1 (zeros past the last)
;;fma         (local.set $odd (v128.const i32x4 0 0 0 0))
;;fma         (local.set $odd2 (v128.const i32x4 0 0 0 0))
;;fma         (if (i32.lt_u (i32.add (i32.shl (local.get $q) (i32.const 1)) (i32.const 1)) (local.get $pairs)) (then
;;fma           (local.set $odd (v128.load offset=32 (local.get $src)))
;;fma           (local.set $odd2 (v128.load offset=48 (local.get $src)))))
;;fma         (v128.store (local.get $w8) (i8x16.shuffle 0 1 8 9 2 3 10 11 4 5 12 13 6 7 14 15
;;fma           (i8x16.narrow_i16x8_s (v128.load (local.get $src)) (local.get $odd)) (v128.const i32x4 0 0 0 0)))
;;fma         (v128.store offset=16 (local.get $w8) (i8x16.shuffle 0 1 8 9 2 3 10 11 4 5 12 13 6 7 14 15
;;fma           (i8x16.narrow_i16x8_s (v128.load offset=16 (local.get $src)) (local.get $odd2)) (v128.const i32x4 0 0 0 0)))
;;fma         (local.set $src (i32.add (local.get $src) (i32.const 64)))
;;fma         (local.set $w8 (i32.add (local.get $w8) (i32.const 32)))
;;fma         (local.set $q (i32.add (local.get $q) (i32.const 1)))
;;fma         (br $ql)))
;;fma       (local.set $b (i32.add (local.get $b) (i32.const 1)))
;;fma       (br $bl))))
)
