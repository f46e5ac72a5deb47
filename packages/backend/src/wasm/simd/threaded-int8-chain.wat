;; The stack of int8 dense layers in one pool job (kernels/int8-dense-chain.ts): every thread claims
;; chunks of rows and takes them through all the layers, quantizing each layer's rows (one scale a
;; row: a chunk needs no other chunk's rows) and multiplying them. quantizeRows and finish are
;; threaded-int8.wat's fragments (fragments/), gemm is its copy (one module each keeps both under
;; 4 KB; threaded-int8-chain.test.ts checks the copy is the same text): the same code, so the same
;; bits as the layers' int8QuantizeChunk and int8GemmChunk jobs one after another (which pass skip 0). gemm's lines marked
;; `listed` are this module's alone (the test compares the rest): byte products over lists of units.
(module
  (import "env" "memory" (memory 1 16384 shared))
  ;; Steps of k (or pairs of rows) gemm passed over on this instance (tests read it).
  (global $skipped (export "skippedSteps") (mut i32) (i32.const 0))

  ;; @include fragments/int8-quantize-rows.wat

  ;; @include fragments/int8-finish.wat

  ;; out[i, j] = act(sum_k a[i, k] w[k, j] * rowScales[i] * colScales[j] + bias[j]) for i < m, j < n.
  ;; a: int16 [m, 2 * pairs]; w: int32 [nPad / 8, pairs, 8] (weight pairs, 8 columns a block, zero past n);
  ;; colScales, bias: float32 [nPad]; out: float32 [m, n]. Row i's scale is at rowScales + i * rowStep
  ;; (rowStep 0: one scale for all rows). relu != 0 clamps at 0. 4 rows x 8 columns at a time.
  ;; bytes = 1 (FMA build): `pairs` counts units of 4 bytes, a holds byte levels in [0, 63] and w the
  ;; packQuads layout [nPad / 8, units, 8 columns x 4 bytes]. Rows of out are stride floats apart.
  ;; skip != 0 passes over the steps of k whose levels are 0 in all 4 rows (adds of 0: the same sums);
  ;; the byte products (FMA build) pass over each pair of rows whose levels there are 0. Each step (or
  ;; pair of rows) passed over adds 1 to $skipped (this instance's own: no shared write).
  ;; Here only (the lines marked `listed`; the chain's own, not threaded-int8.wat's): list != 0 (byte
  ;; products that skip) makes each pair of rows' byte products run over a list of its units with a
  ;; level that is not 0 ($listUnits, made at the first block of columns, at list + (i / 2) *
  ;; (units + 1) * 4), with no test and no branch a unit ($listed, a call a pair of rows: one copy of
  ;; its loop keeps the module under 4 KB): the same products, so the same sums and count.
  ;; The lists take two units a turn: the stack quantizes to levels in [0, 63] (DENSE_LEVEL_TOP), so
  ;; the two relaxed byte products (each lane at most 2 * 63 * 127) add in int16 exactly (4 * 63 * 127
  ;; = 32004 < 32768) and one dot with 1s widens both ($listed); an odd last unit goes alone.
  (func $gemm
    (param $a i32) (param $w i32) (param $out i32) (param $m i32) (param $pairs i32) (param $n i32)
    (param $nPad i32) (param $rowScales i32) (param $rowStep i32) (param $colScales i32) (param $bias i32)
    (param $relu i32) (param $bytes i32) (param $stride i32) (param $skip i32)
    (param $list i32) ;; listed
    (local $i i32) (local $j i32) (local $rowBytes i32) (local $wStep i32) (local $last i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $wp i32) (local $end i32)
    (local $o i32) (local $s i32) (local $jb i32)
    (local $lb i32) ;; listed
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
;;fma         (if (local.get $list) (then ;; listed
;;fma           ;; listed: each pair of rows' units with a level ($listUnits, made at the first block of columns) ;; listed
;;fma           (local.set $lb (i32.add (local.get $list) (i32.mul (i32.shr_u (local.get $i) (i32.const 1)) (i32.add (local.get $rowBytes) (i32.const 4))))) ;; listed
;;fma           (if (i32.eqz (local.get $j)) (then ;; listed
;;fma             (call $listUnits (local.get $a0) (local.get $a1) (local.get $rowBytes) (local.get $lb)) ;; listed
;;fma             (call $listUnits (local.get $a2) (local.get $a3) (local.get $rowBytes) ;; listed
;;fma               (i32.add (local.get $lb) (i32.add (local.get $rowBytes) (i32.const 4)))))) ;; listed
;;fma           (call $listed (local.get $lb) (local.get $wp) (local.get $a0) (local.get $a1) (local.get $rowBytes)) ;; listed
;;fma           local.set $acc3 local.set $acc2 local.set $acc1 local.set $acc0 ;; listed
;;fma           (call $listed (i32.add (local.get $lb) (i32.add (local.get $rowBytes) (i32.const 4))) ;; listed
;;fma             (local.get $wp) (local.get $a2) (local.get $a3) (local.get $rowBytes)) ;; listed
;;fma           local.set $acc7 local.set $acc6 local.set $acc5 local.set $acc4 ;; listed
;;fma         ) (else ;; listed
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
;;fma         )) ;; listed
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

  ;; Chunk c of a stack of int8 dense layers over the rows [c * chunkRows, min(m, ...)) of x, through
  ;; every layer: quantizeRows, then gemm into the next layer's input. The i32 arguments at $p: 0 m,
  ;; 1 chunkRows, 2 rowScales [m], 3 flags, 4 layers, 5 bytes (1: byte products), 6 skip (gemm's),
  ;; 7 lists (0: none; else the byte products' lists of units, levels8Step + 4 bytes a pair of rows);
  ;; from byte 32 on, 17 a layer: in, inStep, k, levels, levelsStep, kPad, levels8 (0: none),
  ;; levels8Step, kPad8, w (bytes where 5 bytes is 1, else int16 pairs), units (quads or pairs), out,
  ;; outStep, n, colScales, bias (both [nPad]), relu. A chunk's rows of in, levels, levels8 and out
  ;; start at row i0 times that step (bytes): each chunk has rooms of its own (a layer's rows are k,
  ;; kPad, kPad8, n apart in them). Where 5 bytes is 1, a chunk that meets a negative input sets
  ;; flags[c] = 1 and stops (the caller then runs the layers one by one).
  (func (export "int8ChainChunk") (param $c i32) (param $p i32)
    (local $i0 i32) (local $rows i32) (local $L i32) (local $end i32) (local $units i32) (local $rs i32)
    (local $bytes i32) (local $lev i32) (local $lev8 i32)
    (local.set $i0 (i32.mul (local.get $c) (i32.load offset=4 (local.get $p))))
    (local.set $rows (i32.sub (i32.load (local.get $p)) (local.get $i0)))
    (if (i32.le_s (local.get $rows) (i32.const 0)) (then (return)))
    (if (i32.gt_s (local.get $rows) (i32.load offset=4 (local.get $p)))
      (then (local.set $rows (i32.load offset=4 (local.get $p)))))
    (local.set $rs (i32.add (i32.load offset=8 (local.get $p)) (i32.shl (local.get $i0) (i32.const 2))))
    (local.set $bytes (i32.load offset=20 (local.get $p)))
    (local.set $L (i32.add (local.get $p) (i32.const 32)))
    (local.set $end (i32.add (local.get $L) (i32.mul (i32.load offset=16 (local.get $p)) (i32.const 68))))
    (block $done (loop $layer
      (br_if $done (i32.ge_u (local.get $L) (local.get $end)))
      (local.set $units (i32.load offset=40 (local.get $L)))
      ;; this chunk's rows of the levels (int16, and bytes where levels8 is not 0)
      (local.set $lev (i32.add (i32.load offset=12 (local.get $L)) (i32.mul (local.get $i0) (i32.load offset=16 (local.get $L)))))
      (local.set $lev8 (i32.load offset=24 (local.get $L)))
      (if (local.get $lev8) (then
        (local.set $lev8 (i32.add (local.get $lev8) (i32.mul (local.get $i0) (i32.load offset=28 (local.get $L)))))))
      (if (i32.and (local.get $bytes) (call $quantizeRows
            (i32.add (i32.load (local.get $L)) (i32.mul (local.get $i0) (i32.load offset=4 (local.get $L))))
            (local.get $rows) (i32.load offset=8 (local.get $L))
            ;; no int16 levels (kPad 0) where byte levels are multiplied
            (local.get $lev) (if (result i32) (local.get $bytes) (then (i32.const 0)) (else (i32.load offset=20 (local.get $L))))
            (local.get $rs)
            (local.get $lev8) (i32.load offset=32 (local.get $L)) (f32.const 63)))
        (then
          (i32.store (i32.add (i32.load offset=12 (local.get $p)) (i32.shl (local.get $c) (i32.const 2))) (i32.const 1))
          (return)))
      (call $gemm
        (select (local.get $lev8) (local.get $lev) (local.get $bytes))
        (i32.load offset=36 (local.get $L))
        (i32.add (i32.load offset=44 (local.get $L)) (i32.mul (local.get $i0) (i32.load offset=48 (local.get $L))))
        (local.get $rows) (local.get $units) (i32.load offset=52 (local.get $L))
        (i32.and (i32.add (i32.load offset=52 (local.get $L)) (i32.const 7)) (i32.const -8))
        (local.get $rs) (i32.const 4)
        (i32.load offset=56 (local.get $L)) (i32.load offset=60 (local.get $L)) (i32.load offset=64 (local.get $L))
        (local.get $bytes) (i32.load offset=52 (local.get $L)) (i32.load offset=24 (local.get $p))
        ;; this chunk's lists: a pair of rows (units + 1) i32 apart, at most levels8Step + 4 bytes
        (if (result i32) (i32.load offset=28 (local.get $p))
          (then (i32.add (i32.load offset=28 (local.get $p))
            (i32.mul (i32.shr_u (local.get $i0) (i32.const 1)) (i32.add (i32.load offset=28 (local.get $L)) (i32.const 4)))))
          (else (i32.const 0))))
      (local.set $L (i32.add (local.get $L) (i32.const 68)))
      (br $layer))))

;;fma   ;; The units of k (4 bytes of a row each) where row ra or row rb holds a level that is not 0, listed
;;fma   ;; at out: their count, then each one's byte offset in the row (rows rowBytes long).
;;fma   (func $listUnits (param $ra i32) (param $rb i32) (param $rowBytes i32) (param $out i32)
;;fma     (local $t i32) (local $count i32)
;;fma     (block $d (loop $l
;;fma       (br_if $d (i32.ge_u (local.get $t) (local.get $rowBytes)))
;;fma       (i32.store offset=4 (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (local.get $t))
;;fma       (local.set $count (i32.add (local.get $count) (i32.ne (i32.const 0) (i32.or
;;fma         (i32.load (i32.add (local.get $ra) (local.get $t))) (i32.load (i32.add (local.get $rb) (local.get $t)))))))
;;fma       (local.set $t (i32.add (local.get $t) (i32.const 4)))
;;fma       (br $l)))
;;fma     (i32.store (local.get $out) (local.get $count)))

;;fma   ;; gemm's byte products for rows ra, rb and the 8 columns of w at wp over the list at e
;;fma   ;; ($listUnits'), two units a turn (their products add in int16 exactly: see gemm), an odd last
;;fma   ;; unit alone: the sums for columns 0-3, 4-7 of ra, then of rb. Adds the units not listed to $skipped.
;;fma   (func $listed (param $e i32) (param $wp i32) (param $ra i32) (param $rb i32) (param $rowBytes i32)
;;fma     (result v128 v128 v128 v128)
;;fma     (local $le i32) (local $t i32) (local $u i32) (local $q i32) (local $r i32)
;;fma     (local $w v128) (local $v v128) (local $x v128) (local $y v128) (local $x2 v128) (local $y2 v128)
;;fma     (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $one v128)
;;fma     ;; int16 pairs summed into int32 as dot products with 1s: extadd_pairwise's sums (both are x64's
;;fma     ;; pmaddwd by 1s), but V8 loads extadd_pairwise's 1s from memory at each use (an address, then
;;fma     ;; the operand), and these stay in a register (~16% off the MLP's int8 pass, BENCHMARKS.md)
;;fma     (local.set $one (i16x8.splat (i32.const 1)))
;;fma     (global.set $skipped (i32.add (global.get $skipped) (i32.sub (i32.shr_u (local.get $rowBytes) (i32.const 2)) (i32.load (local.get $e)))))
;;fma     (local.set $le (i32.add (local.get $e) (i32.shl (i32.load (local.get $e)) (i32.const 2))))
;;fma     (block $d (loop $l
;;fma       (br_if $d (i32.ge_u (i32.add (local.get $e) (i32.const 4)) (local.get $le)))
;;fma       (local.set $t (i32.load offset=4 (local.get $e)))
;;fma       (local.set $u (i32.load offset=8 (local.get $e)))
;;fma       (local.set $e (i32.add (local.get $e) (i32.const 8)))
;;fma       (local.set $x (v128.load32_splat (i32.add (local.get $ra) (local.get $t))))
;;fma       (local.set $y (v128.load32_splat (i32.add (local.get $ra) (local.get $u))))
;;fma       (local.set $x2 (v128.load32_splat (i32.add (local.get $rb) (local.get $t))))
;;fma       (local.set $y2 (v128.load32_splat (i32.add (local.get $rb) (local.get $u))))
;;fma       (local.set $q (i32.add (local.get $wp) (i32.shl (local.get $t) (i32.const 3))))
;;fma       (local.set $r (i32.add (local.get $wp) (i32.shl (local.get $u) (i32.const 3))))
;;fma       (local.set $w (v128.load offset=0 (local.get $q)))
;;fma       (local.set $v (v128.load offset=0 (local.get $r)))
;;fma       (local.set $acc0 (i32x4.add (local.get $acc0) (i32x4.dot_i16x8_s (i16x8.add (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w) (local.get $x)) (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $v) (local.get $y))) (local.get $one))))
;;fma       (local.set $acc2 (i32x4.add (local.get $acc2) (i32x4.dot_i16x8_s (i16x8.add (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w) (local.get $x2)) (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $v) (local.get $y2))) (local.get $one))))
;;fma       (local.set $w (v128.load offset=16 (local.get $q)))
;;fma       (local.set $v (v128.load offset=16 (local.get $r)))
;;fma       (local.set $acc1 (i32x4.add (local.get $acc1) (i32x4.dot_i16x8_s (i16x8.add (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w) (local.get $x)) (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $v) (local.get $y))) (local.get $one))))
;;fma       (local.set $acc3 (i32x4.add (local.get $acc3) (i32x4.dot_i16x8_s (i16x8.add (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w) (local.get $x2)) (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $v) (local.get $y2))) (local.get $one))))
;;fma       (br $l)))
;;fma     (if (i32.lt_u (local.get $e) (local.get $le)) (then
;;fma       (local.set $t (i32.load offset=4 (local.get $e)))
;;fma       (local.set $x (v128.load32_splat (i32.add (local.get $ra) (local.get $t))))
;;fma       (local.set $x2 (v128.load32_splat (i32.add (local.get $rb) (local.get $t))))
;;fma       (local.set $q (i32.add (local.get $wp) (i32.shl (local.get $t) (i32.const 3))))
;;fma       (local.set $w (v128.load offset=0 (local.get $q)))
;;fma       (local.set $acc0 (i32x4.add (local.get $acc0) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w) (local.get $x)) (local.get $one))))
;;fma       (local.set $acc2 (i32x4.add (local.get $acc2) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w) (local.get $x2)) (local.get $one))))
;;fma       (local.set $w (v128.load offset=16 (local.get $q)))
;;fma       (local.set $acc1 (i32x4.add (local.get $acc1) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w) (local.get $x)) (local.get $one))))
;;fma       (local.set $acc3 (i32x4.add (local.get $acc3) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w) (local.get $x2)) (local.get $one))))
;;fma     ))
;;fma     (local.get $acc0) (local.get $acc1) (local.get $acc2) (local.get $acc3))

  ;; Whether this build multiplies byte levels (the FMA build only).
;;fma   (func (export "hasBytes") (result i32) (i32.const 1))
)
