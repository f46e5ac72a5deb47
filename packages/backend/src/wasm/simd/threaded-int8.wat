;; int8.wat's integer kernels for tensorfold's WASM thread pool (threads/pool.ts): the same
;; quantizeRows and finish (fragments/, one text for the three int8 modules), gemm and im2col (copied
;; from int8.wat, whose memory is tfjs-backend-wasm's unshared heap), here on the pool's shared
;; memory, and the chunk functions every thread runs. The caller copies x, the packed weights,
;; scales and bias in and the output out (kernels/int8-by-threads.ts).
;;
;; Sums are int32 and exact, and each output element is finished by the same code whichever thread
;; claims it: the result has the same bits for any number of threads, and as int8.wat's one-thread path.
;; Keep the copied functions in step with int8.wat (gemm here takes the output's row stride apart
;; from its column count, for tiles across columns).
(module
  (import "env" "memory" (memory 1 16384 shared))
  ;; Steps of k gemm passed over (see gemm; the jobs here pass skip 0: never counted).
  (global $skipped (mut i32) (i32.const 0))

  ;; @include fragments/int8-quantize-rows.wat

  ;; @include fragments/int8-finish.wat

  ;; out[i, j] = act(sum_k a[i, k] w[k, j] * rowScales[i] * colScales[j] + bias[j]) for i < m, j < n.
  ;; a: int16 [m, 2 * pairs]; w: int32 [nPad / 8, pairs, 8] (weight pairs, 8 columns a block, zero past n);
  ;; colScales, bias: float32 [nPad]; out: float32 [m, n]. Row i's scale is at rowScales + i * rowStep
  ;; (rowStep 0: one scale for all rows). relu != 0 clamps at 0. 4 rows x 8 columns at a time.
  ;; bytes = 1 (FMA build): `pairs` counts units of 4 bytes, a holds byte levels in [0, 127] and w the
  ;; packQuads layout [nPad / 8, units, 8 columns x 4 bytes]. Rows of out are stride floats apart.
  ;; skip != 0 passes over the steps of k whose levels are 0 in all 4 rows (adds of 0: the same sums);
  ;; the byte products (FMA build) pass over each pair of rows whose levels there are 0. Each step (or
  ;; pair of rows) passed over adds 1 to $skipped (this instance's own: no shared write).
  (func $gemm
    (param $a i32) (param $w i32) (param $out i32) (param $m i32) (param $pairs i32) (param $n i32)
    (param $nPad i32) (param $rowScales i32) (param $rowStep i32) (param $colScales i32) (param $bias i32)
    (param $relu i32) (param $bytes i32) (param $stride i32) (param $skip i32)
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
;;fma         (local.set $end (i32.add (local.get $a0) (local.get $rowBytes)))
;;fma         (block $bd (loop $bl
;;fma           (br_if $bd (i32.ge_u (local.get $a0) (local.get $end)))
;;fma           (local.set $w0 (v128.load offset=0 (local.get $wp)))
;;fma           (local.set $w1 (v128.load offset=16 (local.get $wp)))
;;fma           ;; rows i, i+1 then i+2, i+3, each pair passed over where its 2 x 4 levels are 0
;;fma           (if (i32.or (i32.eqz (local.get $skip)) (i32.or (i32.load (local.get $a0)) (i32.load (local.get $a1)))) (then
;;fma           (local.set $x (v128.load32_splat offset=0 (local.get $a0)))
;;fma           (local.set $acc0 (i32x4.add (local.get $acc0) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc1 (i32x4.add (local.get $acc1) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat offset=0 (local.get $a1)))
;;fma           (local.set $acc2 (i32x4.add (local.get $acc2) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc3 (i32x4.add (local.get $acc3) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           ) (else (global.set $skipped (i32.add (global.get $skipped) (i32.const 1)))))
;;fma           (if (i32.or (i32.eqz (local.get $skip)) (i32.or (i32.load (local.get $a2)) (i32.load (local.get $a3)))) (then
;;fma           (local.set $x (v128.load32_splat offset=0 (local.get $a2)))
;;fma           (local.set $acc4 (i32x4.add (local.get $acc4) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc5 (i32x4.add (local.get $acc5) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat offset=0 (local.get $a3)))
;;fma           (local.set $acc6 (i32x4.add (local.get $acc6) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc7 (i32x4.add (local.get $acc7) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           ) (else (global.set $skipped (i32.add (global.get $skipped) (i32.const 1)))))
;;fma           (local.set $a0 (i32.add (local.get $a0) (i32.const 4)))
;;fma           (local.set $a1 (i32.add (local.get $a1) (i32.const 4)))
;;fma           (local.set $a2 (i32.add (local.get $a2) (i32.const 4)))
;;fma           (local.set $a3 (i32.add (local.get $a3) (i32.const 4)))
;;fma           (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
;;fma           (br $bl)))
;;fma         ) (else
        (block $kd (loop $kl
          (br_if $kd (i32.ge_u (local.get $a0) (local.get $end)))
          (if (i32.or (i32.eqz (local.get $skip)) (i64.ne (i64.const 0) (i64.or
                (i64.or (i64.load (local.get $a0)) (i64.load (local.get $a1)))
                (i64.or (i64.load (local.get $a2)) (i64.load (local.get $a3)))))) (then
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
          ) (else (global.set $skipped (i32.add (global.get $skipped) (i32.const 1)))))
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
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $stride)) (i32.const 2))))
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
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $stride) (i32.const 2))))
            (local.set $s (i32.add (local.get $s) (local.get $rowStep)))
            (local.set $x (f32x4.splat (f32.load (local.get $s))))
            (local.set $w0 (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc2))
              (f32x4.mul (local.get $x) (local.get $cs0))) (local.get $b0)))
            (local.set $w1 (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc3))
              (f32x4.mul (local.get $x) (local.get $cs1))) (local.get $b1)))
            (v128.store (i32.add (local.get $o) (local.get $jb)) (f32x4.pmax (local.get $w0) (local.get $floor)))
            (v128.store offset=16 (i32.add (local.get $o) (local.get $jb)) (f32x4.pmax (local.get $w1) (local.get $floor)))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $stride) (i32.const 2))))
            (local.set $s (i32.add (local.get $s) (local.get $rowStep)))
            (local.set $x (f32x4.splat (f32.load (local.get $s))))
            (local.set $w0 (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc4))
              (f32x4.mul (local.get $x) (local.get $cs0))) (local.get $b0)))
            (local.set $w1 (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc5))
              (f32x4.mul (local.get $x) (local.get $cs1))) (local.get $b1)))
            (v128.store (i32.add (local.get $o) (local.get $jb)) (f32x4.pmax (local.get $w0) (local.get $floor)))
            (v128.store offset=16 (i32.add (local.get $o) (local.get $jb)) (f32x4.pmax (local.get $w1) (local.get $floor)))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $stride) (i32.const 2))))
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
              (local.set $o (i32.add (local.get $o) (i32.shl (local.get $stride) (i32.const 2))))
              (local.set $s (i32.add (local.get $s) (local.get $rowStep)))
              (call $finish (local.get $acc2) (local.get $o) (local.get $j) (local.get $n) (local.get $colScales)
                (local.get $bias) (f32.load (local.get $s)) (local.get $relu))
              (call $finish (local.get $acc3) (local.get $o) (i32.add (local.get $j) (i32.const 4)) (local.get $n)
                (local.get $colScales) (local.get $bias) (f32.load (local.get $s)) (local.get $relu))))
            (if (i32.lt_s (i32.add (local.get $i) (i32.const 2)) (local.get $m)) (then
              (local.set $o (i32.add (local.get $o) (i32.shl (local.get $stride) (i32.const 2))))
              (local.set $s (i32.add (local.get $s) (local.get $rowStep)))
              (call $finish (local.get $acc4) (local.get $o) (local.get $j) (local.get $n) (local.get $colScales)
                (local.get $bias) (f32.load (local.get $s)) (local.get $relu))
              (call $finish (local.get $acc5) (local.get $o) (i32.add (local.get $j) (i32.const 4)) (local.get $n)
                (local.get $colScales) (local.get $bias) (f32.load (local.get $s)) (local.get $relu))))
            (if (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $m)) (then
              (local.set $o (i32.add (local.get $o) (i32.shl (local.get $stride) (i32.const 2))))
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
  (func $im2col
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

  ;; Tile c of out[m, n] = act(a . w * rowScales * colScales + bias), the i32 arguments at $p: 0 a
  ;; (levels [m, 4 * units] bytes: int16 pairs, or 4 bytes where 11 bytes is 1), 1 rowScales [m], 2 w
  ;; ([nPad / 8, units, 8] units), 3 out, 4 m, 5 units, 6 n, 7 nPad, 8 colScales, 9 bias, 10 relu,
  ;; 11 bytes, 12 chunkRows, 13 chunkCols (a multiple of 8). Tile c is row block c % ceil(m /
  ;; chunkRows), column block c / ceil(m / chunkRows); its rows go in blocks that fit 64 KiB (they
  ;; stay in the cache while w streams by).
  (func (export "int8GemmChunk") (param $c i32) (param $p i32)
    (local $i0 i32) (local $i1 i32) (local $j0 i32) (local $j1 i32) (local $m i32) (local $n i32)
    (local $units i32) (local $rowBytes i32) (local $blocks i32) (local $block i32) (local $rows i32)
    (local.set $m (i32.load offset=16 (local.get $p)))
    (local.set $n (i32.load offset=24 (local.get $p)))
    (local.set $units (i32.load offset=20 (local.get $p)))
    (local.set $rowBytes (i32.shl (local.get $units) (i32.const 2)))
    (local.set $blocks (i32.div_u (i32.add (local.get $m) (i32.sub (i32.load offset=48 (local.get $p)) (i32.const 1)))
      (i32.load offset=48 (local.get $p))))
    (local.set $i0 (i32.mul (i32.rem_u (local.get $c) (local.get $blocks)) (i32.load offset=48 (local.get $p))))
    (local.set $i1 (i32.add (local.get $i0) (i32.load offset=48 (local.get $p))))
    (if (i32.gt_s (local.get $i1) (local.get $m)) (then (local.set $i1 (local.get $m))))
    (local.set $j0 (i32.mul (i32.div_u (local.get $c) (local.get $blocks)) (i32.load offset=52 (local.get $p))))
    (local.set $j1 (i32.add (local.get $j0) (i32.load offset=52 (local.get $p))))
    (if (i32.gt_s (local.get $j1) (i32.load offset=28 (local.get $p))) (then (local.set $j1 (i32.load offset=28 (local.get $p)))))
    (if (i32.ge_s (local.get $j0) (local.get $n)) (then (return)))
    (local.set $block (i32.and (i32.div_u (i32.const 65536) (local.get $rowBytes)) (i32.const -4)))
    (if (i32.lt_s (local.get $block) (i32.const 4)) (then (local.set $block (i32.const 4))))
    (block $d (loop $l
      (br_if $d (i32.ge_s (local.get $i0) (local.get $i1)))
      (local.set $rows (select (i32.sub (local.get $i1) (local.get $i0)) (local.get $block)
        (i32.lt_s (i32.sub (local.get $i1) (local.get $i0)) (local.get $block))))
      (call $gemm
        (i32.add (i32.load (local.get $p)) (i32.mul (local.get $i0) (local.get $rowBytes)))
        (i32.add (i32.load offset=8 (local.get $p)) (i32.mul (i32.shr_u (local.get $j0) (i32.const 3)) (i32.shl (local.get $rowBytes) (i32.const 3))))
        (i32.add (i32.load offset=12 (local.get $p)) (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $n)) (local.get $j0)) (i32.const 2)))
        (local.get $rows) (local.get $units) (i32.sub (local.get $n) (local.get $j0)) (i32.sub (local.get $j1) (local.get $j0))
        (i32.add (i32.load offset=4 (local.get $p)) (i32.shl (local.get $i0) (i32.const 2))) (i32.const 4)
        (i32.add (i32.load offset=32 (local.get $p)) (i32.shl (local.get $j0) (i32.const 2)))
        (i32.add (i32.load offset=36 (local.get $p)) (i32.shl (local.get $j0) (i32.const 2)))
        (i32.load offset=40 (local.get $p)) (i32.load offset=44 (local.get $p)) (local.get $n) (i32.const 0))
      (local.set $i0 (i32.add (local.get $i0) (local.get $block)))
      (br $l))))

  ;; Chunk c of quantizeRows over rows [c * chunkRows, ...) of x [rows, k] (levels kPad apart at out,
  ;; and as bytes kPad8 apart at out8 where it is not 0); flags[c] = 1 where those rows have some x < 0.
  ;; Levels in [-top, top]: 63 for the dense kernels (int8-kernels.ts's DENSE_LEVEL_TOP), 127 for the
  ;; convolutions (CONV_LEVEL_TOP).
  (func (export "int8QuantizeChunk") (param $c i32) (param $x i32) (param $rows i32) (param $k i32)
    (param $out i32) (param $kPad i32) (param $scales i32) (param $chunkRows i32) (param $out8 i32)
    (param $kPad8 i32) (param $flags i32) (param $top i32)
    (local $i0 i32) (local $count i32)
    (local.set $i0 (i32.mul (local.get $c) (local.get $chunkRows)))
    (local.set $count (i32.sub (local.get $rows) (local.get $i0)))
    (if (i32.le_s (local.get $count) (i32.const 0)) (then (return)))
    (if (i32.gt_s (local.get $count) (local.get $chunkRows)) (then (local.set $count (local.get $chunkRows))))
    (i32.store (i32.add (local.get $flags) (i32.shl (local.get $c) (i32.const 2))) (call $quantizeRows
      (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i0) (local.get $k)) (i32.const 2)))
      (local.get $count) (local.get $k)
      (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i0) (local.get $kPad)) (i32.const 1)))
      (local.get $kPad)
      (i32.add (local.get $scales) (i32.shl (local.get $i0) (i32.const 2)))
      (select (i32.add (local.get $out8) (i32.mul (local.get $i0) (local.get $kPad8))) (i32.const 0) (local.get $out8))
      (local.get $kPad8) (f32.convert_i32_s (local.get $top)))))

  ;; Chunk c of an int8 convolution over the output positions [c * per, ...) of all images (flattened
  ;; [batch, outH * outW]): tiles of at most `tile` positions of one image, their patches gathered by
  ;; im2col into this chunk's own buffer (patches + c * patchStride), times w. The i32 arguments at $p:
  ;; 0 levels (the quantized images: int16, or bytes where 25 bytes is 1), 1 patches, 2 w (packed as the
  ;; levels are), 3 out, 4 imageScales, 5 colScales, 6 bias, 7 relu, 8 inH, 9 inW, 10 inC, 11 outH,
  ;; 12 outW, 13 fH, 14 fW, 15 sH, 16 sW, 17 padTop, 18 padLeft, 19 n, 20 nPad, 21 per, 22 total
  ;; positions, 23 tile, 24 patchStride, 25 bytes.
  (func (export "int8ConvChunk") (param $c i32) (param $p i32)
    (local $pos i32) (local $end i32) (local $buf i32) (local $positions i32) (local $image i32)
    (local $units i32) (local $rowBytes i32) (local $b i32) (local $first i32) (local $count i32)
    (local $bytes i32) (local $k i32)
    (local.set $bytes (i32.load offset=100 (local.get $p)))
    (local.set $pos (i32.mul (local.get $c) (i32.load offset=84 (local.get $p))))
    (local.set $end (i32.add (local.get $pos) (i32.load offset=84 (local.get $p))))
    (if (i32.gt_s (local.get $end) (i32.load offset=88 (local.get $p)))
      (then (local.set $end (i32.load offset=88 (local.get $p)))))
    (local.set $buf (i32.add (i32.load offset=4 (local.get $p))
      (i32.mul (local.get $c) (i32.load offset=96 (local.get $p)))))
    (local.set $positions (i32.mul (i32.load offset=44 (local.get $p)) (i32.load offset=48 (local.get $p))))
    ;; bytes of one image's levels, and of a patch row (units of 4 bytes: 2 int16 levels or 4 bytes)
    (local.set $image (i32.shl (i32.mul (i32.mul (i32.load offset=32 (local.get $p)) (i32.load offset=36 (local.get $p)))
      (i32.load offset=40 (local.get $p))) (i32.eqz (local.get $bytes))))
    (local.set $k (i32.mul (i32.mul (i32.load offset=52 (local.get $p)) (i32.load offset=56 (local.get $p)))
      (i32.load offset=40 (local.get $p))))
    (local.set $units (select (i32.shr_u (i32.add (local.get $k) (i32.const 3)) (i32.const 2))
      (i32.shr_u (i32.add (local.get $k) (i32.const 1)) (i32.const 1)) (local.get $bytes)))
    (local.set $rowBytes (i32.shl (local.get $units) (i32.const 2)))
    (block $d (loop $l
      (br_if $d (i32.ge_s (local.get $pos) (local.get $end)))
      (local.set $b (i32.div_u (local.get $pos) (local.get $positions)))
      (local.set $first (i32.rem_u (local.get $pos) (local.get $positions)))
      (local.set $count (i32.sub (local.get $positions) (local.get $first)))
      (if (i32.gt_s (local.get $count) (i32.sub (local.get $end) (local.get $pos)))
        (then (local.set $count (i32.sub (local.get $end) (local.get $pos)))))
      (if (i32.gt_s (local.get $count) (i32.load offset=92 (local.get $p)))
        (then (local.set $count (i32.load offset=92 (local.get $p)))))
      (call $im2col
        (i32.add (i32.load (local.get $p)) (i32.mul (local.get $b) (local.get $image)))
        (local.get $buf) (local.get $first) (local.get $count)
        (i32.load offset=32 (local.get $p)) (i32.load offset=36 (local.get $p))
        (i32.shl (i32.load offset=40 (local.get $p)) (i32.eqz (local.get $bytes)))
        (i32.load offset=48 (local.get $p)) (i32.load offset=52 (local.get $p)) (i32.load offset=56 (local.get $p))
        (i32.load offset=60 (local.get $p)) (i32.load offset=64 (local.get $p))
        (i32.load offset=68 (local.get $p)) (i32.load offset=72 (local.get $p)) (local.get $rowBytes))
      (call $gemm (local.get $buf) (i32.load offset=8 (local.get $p))
        (i32.add (i32.load offset=12 (local.get $p))
          (i32.shl (i32.mul (local.get $pos) (i32.load offset=76 (local.get $p))) (i32.const 2)))
        (local.get $count) (local.get $units) (i32.load offset=76 (local.get $p)) (i32.load offset=80 (local.get $p))
        (i32.add (i32.load offset=16 (local.get $p)) (i32.shl (local.get $b) (i32.const 2))) (i32.const 0)
        (i32.load offset=20 (local.get $p)) (i32.load offset=24 (local.get $p)) (i32.load offset=28 (local.get $p))
        (local.get $bytes) (i32.load offset=76 (local.get $p)) (i32.const 0))
      (local.set $pos (i32.add (local.get $pos) (local.get $count)))
      (br $l))))

  ;; Whether this build multiplies byte levels (the FMA build only; the caller packs the weights as
  ;; bytes itself, kernels/int8-by-threads.ts).
;;fma   (func (export "hasBytes") (result i32) (i32.const 1))
)
