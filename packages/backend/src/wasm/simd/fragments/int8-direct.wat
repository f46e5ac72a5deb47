;; Fragment, not a module: the direct int8 convolution's functions ($store8, $dot and the exported
;; chunk function int8DirectConvChunk), the same text in threaded-int8-direct.wat (the pool's shared
;; memory) and int8-direct.wat (tfjs-backend-wasm's memory, one thread), so both give the same bits.
;; Each takes it with the line `;; @include fragments/int8-direct.wat` (scripts/wat-includes.mjs
;; pastes it in before compiling); its `;;fma ` lines are code of the FMA build only, in both.
;;
;; Each chunk takes whole images, quantizes each one itself (one scale per image, bytes in 0..127, into
;; a zero-bordered copy of its own) and multiplies the window rows straight from that copy, with no
;; patch buffer; the epilogue writes act(sum * scale * colScales + bias) into the output. Levels as
;; int8.wat's quantizeRows (the same bits: nearest, ties to even, levels 0 where 127 / max overflows).
;; Byte products need relaxed SIMD (the FMA build); the SIMD build computes the same sums with standard
;; instructions (slower; the caller uses it only in tests). An image with a negative input (or NaN) is
;; left undone and flagged.

  ;; Each output element is pmax(float(acc) * (scale * colScales) + bias, floor) (y < floor ? floor
  ;; : y, the reference's ReLU: -0 stays -0), written out inline below; a pooled tile is the f32x4.max
  ;; of its 4 (as Math.max).

  ;; out[0 .. min(left, 8)) = the 8 columns y0, y1.
  (func $store8 (param $y0 v128) (param $y1 v128) (param $out i32) (param $left i32)
    (if (i32.ge_s (local.get $left) (i32.const 8)) (then
      (v128.store (local.get $out) (local.get $y0))
      (v128.store offset=16 (local.get $out) (local.get $y1))
      (return)))
    (f32.store (local.get $out) (f32x4.extract_lane 0 (local.get $y0)))
    (if (i32.gt_s (local.get $left) (i32.const 1)) (then (f32.store offset=4 (local.get $out) (f32x4.extract_lane 1 (local.get $y0)))))
    (if (i32.gt_s (local.get $left) (i32.const 2)) (then (f32.store offset=8 (local.get $out) (f32x4.extract_lane 2 (local.get $y0)))))
    (if (i32.gt_s (local.get $left) (i32.const 3)) (then (f32.store offset=12 (local.get $out) (f32x4.extract_lane 3 (local.get $y0)))))
    (if (i32.gt_s (local.get $left) (i32.const 4)) (then (f32.store offset=16 (local.get $out) (f32x4.extract_lane 0 (local.get $y1)))))
    (if (i32.gt_s (local.get $left) (i32.const 5)) (then (f32.store offset=20 (local.get $out) (f32x4.extract_lane 1 (local.get $y1)))))
    (if (i32.gt_s (local.get $left) (i32.const 6)) (then (f32.store offset=24 (local.get $out) (f32x4.extract_lane 2 (local.get $y1))))))

  ;; The sums of 4 products a[4i..4i+3] * b[4i..4i+3] (a int8, b in 0..127) in standard SIMD (the SIMD
  ;; build's path): the FMA build's i16x8.relaxed_dot_i8x16_i7x16_s with its int16 pairs widened and added.
  (func $dot (param $a v128) (param $b v128) (result v128)
    (local $lo v128) (local $hi v128)
    (local.set $lo (i32x4.extadd_pairwise_i16x8_s (i16x8.extmul_low_i8x16_s (local.get $a) (local.get $b))))
    (local.set $hi (i32x4.extadd_pairwise_i16x8_s (i16x8.extmul_high_i8x16_s (local.get $a) (local.get $b))))
    (i32x4.add (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $lo) (local.get $hi))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $lo) (local.get $hi))))

  ;; Chunk c: images [c * per, min((c + 1) * per, batch)). The i32 arguments at $p: 0 x (float32
  ;; [batch, inH, inW, inC]), 1 q (this chunk's copy is at q + c * qStride), 2 qStride, 3 w (bytes
  ;; [nPad / 8, fH, rowUnits, 8 columns, 4]: window row fh's fW * inC levels, zero-padded to rowUnits
  ;; units of 4), 4 out (float32 [batch, outH, outW, n]), 5 colScales, 6 bias (float32 [nPad]), 7 relu,
  ;; 8 inH, 9 inW, 10 inC, 11 outH, 12 outW, 13 fH, 14 sH, 15 sW, 16 padTop, 17 padLeft, 18 n, 19 nPad,
  ;; 20 per, 21 batch, 22 flags (i32 [chunks]: 1 where an image had x < 0), 23 pW (the copy's width,
  ;; padding included), 24 rowUnits, 25 qBytes (the copy's bytes, a multiple of 16), 26 pool (1: a 2 x 2
  ;; max pool, stride 2, after the activation; out is then [batch, outH / 2, outW / 2, n], floored), 27 table
  ;; (i32: for each tile, where its 4 windows start in the copy, bytes from q: output positions 4t .. 4t + 3,
  ;; the last one's past the end; with pool, the 2 x 2 windows of pooled output t).
  (func (export "int8DirectConvChunk") (param $c i32) (param $p i32)
    (local $img i32) (local $imgEnd i32) (local $q i32) (local $t i32) (local $end i32) (local $xi i32)
    (local $image i32) (local $rowFloats i32) (local $pixRow i32) (local $positions i32) (local $inC i32)
    (local $n i32) (local $units i32) (local $y i32) (local $src i32) (local $dst i32)
    (local $max f32) (local $inv f32) (local $scale f32) (local $invV v128) (local $mv v128) (local $low v128)
    (local $j i32) (local $pos i32) (local $r i32) (local $tiles i32) (local $pool i32) (local $pw i32) (local $sc0 v128) (local $sc1 v128) (local $y0 v128) (local $y1 v128) (local $tp i32) (local $fh i32) (local $wb i32) (local $wp i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $e i32) (local $o i32)
    (local $w0 v128) (local $w1 v128) (local $x v128) (local $floor v128)
    (local $cs0 v128) (local $cs1 v128) (local $b0 v128) (local $b1 v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
;;fma     (local $one v128) ;; 1s: the byte products' int16 pairs widen by i32x4.dot_i16x8_s with them, extadd_pairwise's
;;fma     ;; sums (both x64's pmaddwd by 1s), but V8 loads extadd_pairwise's 1s from memory at each use
    (local.set $img (i32.mul (local.get $c) (i32.load offset=80 (local.get $p))))
    (local.set $imgEnd (i32.add (local.get $img) (i32.load offset=80 (local.get $p))))
    (if (i32.gt_s (local.get $imgEnd) (i32.load offset=84 (local.get $p)))
      (then (local.set $imgEnd (i32.load offset=84 (local.get $p)))))
    (local.set $q (i32.add (i32.load offset=4 (local.get $p)) (i32.mul (local.get $c) (i32.load offset=8 (local.get $p)))))
    (local.set $inC (i32.load offset=40 (local.get $p)))
    (local.set $n (i32.load offset=72 (local.get $p)))
    (local.set $units (i32.load offset=96 (local.get $p)))
    (local.set $rowFloats (i32.mul (i32.load offset=36 (local.get $p)) (local.get $inC)))
    (local.set $image (i32.mul (i32.load offset=32 (local.get $p)) (local.get $rowFloats)))
    (local.set $pixRow (i32.mul (i32.load offset=92 (local.get $p)) (local.get $inC)))
    (local.set $positions (i32.mul (i32.load offset=44 (local.get $p)) (i32.load offset=48 (local.get $p))))
    ;; with a 2 x 2 max pool after the activation, a tile is one pooled output: its 4 windows
    (local.set $pool (i32.load offset=104 (local.get $p)))
    (local.set $pw (i32.shr_u (i32.load offset=48 (local.get $p)) (i32.const 1)))
    (local.set $tiles (select
      (i32.mul (i32.shr_u (i32.load offset=44 (local.get $p)) (i32.const 1)) (local.get $pw))
      (local.get $positions) (local.get $pool)))
    (local.set $floor (select (v128.const i32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf)
      (i32.load offset=28 (local.get $p))))
;;fma     (local.set $one (i16x8.splat (i32.const 1)))
    ;; the copy's border stays zero: only its interior is written below
    (local.set $t (local.get $q))
    (local.set $end (i32.add (local.get $q) (i32.load offset=100 (local.get $p))))
    (block $zd (loop $zl
      (br_if $zd (i32.ge_u (local.get $t) (local.get $end)))
      (v128.store (local.get $t) (v128.const i32x4 0 0 0 0))
      (local.set $t (i32.add (local.get $t) (i32.const 16)))
      (br $zl)))
    (block $done (loop $images
      (br_if $done (i32.ge_s (local.get $img) (local.get $imgEnd)))
      (local.set $xi (i32.add (i32.load (local.get $p)) (i32.shl (i32.mul (local.get $img) (local.get $image)) (i32.const 2))))
      ;; max |x| and min x over the image
      (local.set $mv (v128.const i32x4 0 0 0 0))
      (local.set $low (v128.const i32x4 0 0 0 0))
      (local.set $t (local.get $xi))
      (local.set $end (i32.add (local.get $xi) (i32.shl (i32.and (local.get $image) (i32.const -4)) (i32.const 2))))
      (block $vd (loop $vl
        (br_if $vd (i32.ge_u (local.get $t) (local.get $end)))
        (local.set $x (v128.load (local.get $t)))
        (local.set $mv (f32x4.max (local.get $mv) (f32x4.abs (local.get $x))))
        (local.set $low (f32x4.min (local.get $low) (local.get $x)))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (br $vl)))
      (local.set $end (i32.add (local.get $xi) (i32.shl (local.get $image) (i32.const 2))))
      (block $sd (loop $sl
        (br_if $sd (i32.ge_u (local.get $t) (local.get $end)))
        (local.set $x (f32x4.splat (f32.load (local.get $t))))
        (local.set $mv (f32x4.max (local.get $mv) (f32x4.abs (local.get $x))))
        (local.set $low (f32x4.min (local.get $low) (local.get $x)))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br $sl)))
      (if (v128.any_true (v128.not (f32x4.ge (local.get $low) (v128.const i32x4 0 0 0 0)))) (then
        (i32.store (i32.add (i32.load offset=88 (local.get $p)) (i32.shl (local.get $c) (i32.const 2))) (i32.const 1))
        (return)))
      (local.set $max (f32.max
        (f32.max (f32x4.extract_lane 0 (local.get $mv)) (f32x4.extract_lane 1 (local.get $mv)))
        (f32.max (f32x4.extract_lane 2 (local.get $mv)) (f32x4.extract_lane 3 (local.get $mv)))))
      ;; levels 0 where 127 / max is not finite (max 0, or under ~3.7e-37 so that it overflows), as
      ;; int8.wat's quantizeRows and the reference (no NaN here: a NaN image was flagged above)
      (local.set $inv (f32.div (f32.const 127) (local.get $max)))
      (if (i32.eqz (f32.lt (local.get $inv) (f32.const inf))) (then (local.set $inv (f32.const 0))))
      (local.set $scale (f32.div (local.get $max) (f32.const 127)))
      (local.set $invV (f32x4.splat (local.get $inv)))
      ;; the levels, row by row, into the copy's interior
      (local.set $y (i32.const 0))
      (local.set $src (local.get $xi))
      (block $yd (loop $yl
        (br_if $yd (i32.ge_s (local.get $y) (i32.load offset=32 (local.get $p))))
        (local.set $dst (i32.add (local.get $q) (i32.add
          (i32.mul (i32.add (local.get $y) (i32.load offset=64 (local.get $p))) (local.get $pixRow))
          (i32.mul (i32.load offset=68 (local.get $p)) (local.get $inC)))))
        (local.set $t (i32.const 0))
        (block $qd (loop $ql
          (br_if $qd (i32.gt_s (i32.add (local.get $t) (i32.const 16)) (local.get $rowFloats)))
          (local.set $e (i32.add (local.get $src) (i32.shl (local.get $t) (i32.const 2))))
          (v128.store (i32.add (local.get $dst) (local.get $t)) (i8x16.narrow_i16x8_u
            (i16x8.narrow_i32x4_s
              (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (local.get $invV) (v128.load (local.get $e)))))
              (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (local.get $invV) (v128.load offset=16 (local.get $e))))))
            (i16x8.narrow_i32x4_s
              (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (local.get $invV) (v128.load offset=32 (local.get $e)))))
              (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (local.get $invV) (v128.load offset=48 (local.get $e))))))))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (br $ql)))
        ;; then 4 at a time (the same levels: each in 0..127, no narrowing saturates), then one at a time
        (block $q4d (loop $q4l
          (br_if $q4d (i32.gt_s (i32.add (local.get $t) (i32.const 4)) (local.get $rowFloats)))
          (v128.store32_lane 0 (i32.add (local.get $dst) (local.get $t)) (i8x16.narrow_i16x8_u
            (i16x8.narrow_i32x4_s
              (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (local.get $invV)
                (v128.load (i32.add (local.get $src) (i32.shl (local.get $t) (i32.const 2)))))))
              (v128.const i32x4 0 0 0 0))
            (v128.const i32x4 0 0 0 0)))
          (local.set $t (i32.add (local.get $t) (i32.const 4)))
          (br $q4l)))
        (block $td (loop $tl
          (br_if $td (i32.ge_s (local.get $t) (local.get $rowFloats)))
          (i32.store8 (i32.add (local.get $dst) (local.get $t)) (i32.trunc_sat_f32_s (f32.nearest (f32.mul (local.get $inv)
            (f32.load (i32.add (local.get $src) (i32.shl (local.get $t) (i32.const 2))))))))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br $tl)))
        (local.set $src (i32.add (local.get $src) (i32.shl (local.get $rowFloats) (i32.const 2))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yl)))
      ;; the products, 4 output positions x 8 columns at a time
      (local.set $j (i32.const 0))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_s (local.get $j) (i32.load offset=76 (local.get $p))))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (local.set $cs0 (v128.load (i32.add (i32.load offset=20 (local.get $p)) (local.get $o))))
        (local.set $cs1 (v128.load offset=16 (i32.add (i32.load offset=20 (local.get $p)) (local.get $o))))
        ;; the image's scale times the columns' scales, as $fin's operand (once per image and block)
        (local.set $sc0 (f32x4.mul (f32x4.splat (local.get $scale)) (local.get $cs0)))
        (local.set $sc1 (f32x4.mul (f32x4.splat (local.get $scale)) (local.get $cs1)))
        (local.set $b0 (v128.load (i32.add (i32.load offset=24 (local.get $p)) (local.get $o))))
        (local.set $b1 (v128.load offset=16 (i32.add (i32.load offset=24 (local.get $p)) (local.get $o))))
        (local.set $wb (i32.add (i32.load offset=12 (local.get $p))
          (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (i32.shl (i32.mul (i32.load offset=52 (local.get $p)) (local.get $units)) (i32.const 5)))))
        (local.set $pos (i32.const 0))
        (local.set $tp (i32.load offset=108 (local.get $p)))
        (block $pd (loop $pl
          (br_if $pd (i32.ge_s (local.get $pos) (local.get $tiles)))
          ;; where the tile's 4 windows start in the copy (offsets from the table)
          (local.set $a0 (i32.add (local.get $q) (i32.load (local.get $tp))))
          (local.set $a1 (i32.add (local.get $q) (i32.load offset=4 (local.get $tp))))
          (local.set $a2 (i32.add (local.get $q) (i32.load offset=8 (local.get $tp))))
          (local.set $a3 (i32.add (local.get $q) (i32.load offset=12 (local.get $tp))))
          (local.set $tp (i32.add (local.get $tp) (i32.const 16)))
          (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
          (local.set $acc2 (v128.const i32x4 0 0 0 0)) (local.set $acc3 (v128.const i32x4 0 0 0 0))
          (local.set $acc4 (v128.const i32x4 0 0 0 0)) (local.set $acc5 (v128.const i32x4 0 0 0 0))
          (local.set $acc6 (v128.const i32x4 0 0 0 0)) (local.set $acc7 (v128.const i32x4 0 0 0 0))
          (local.set $wp (local.get $wb))
          (local.set $fh (i32.const 0))
          (block $fd (loop $fl
            (br_if $fd (i32.ge_s (local.get $fh) (i32.load offset=52 (local.get $p))))
            (local.set $e (i32.add (local.get $a0) (i32.shl (local.get $units) (i32.const 2))))
            (block $ud (loop $ul
              (br_if $ud (i32.ge_u (local.get $a0) (local.get $e)))
              (local.set $w0 (v128.load (local.get $wp)))
              (local.set $w1 (v128.load offset=16 (local.get $wp)))
;;fma           (local.set $x (v128.load32_splat (local.get $a0)))
;;fma           (local.set $acc0 (i32x4.add (local.get $acc0) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc1 (i32x4.add (local.get $acc1) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat (local.get $a1)))
;;fma           (local.set $acc2 (i32x4.add (local.get $acc2) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc3 (i32x4.add (local.get $acc3) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat (local.get $a2)))
;;fma           (local.set $acc4 (i32x4.add (local.get $acc4) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc5 (i32x4.add (local.get $acc5) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (local.set $x (v128.load32_splat (local.get $a3)))
;;fma           (local.set $acc6 (i32x4.add (local.get $acc6) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w0) (local.get $x)) (local.get $one))))
;;fma           (local.set $acc7 (i32x4.add (local.get $acc7) (i32x4.dot_i16x8_s (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $w1) (local.get $x)) (local.get $one))))
;;fma           (if (i32.const 0) (then
              (local.set $x (v128.load32_splat (local.get $a0)))
              (local.set $acc0 (i32x4.add (local.get $acc0) (call $dot (local.get $w0) (local.get $x))))
              (local.set $acc1 (i32x4.add (local.get $acc1) (call $dot (local.get $w1) (local.get $x))))
              (local.set $x (v128.load32_splat (local.get $a1)))
              (local.set $acc2 (i32x4.add (local.get $acc2) (call $dot (local.get $w0) (local.get $x))))
              (local.set $acc3 (i32x4.add (local.get $acc3) (call $dot (local.get $w1) (local.get $x))))
              (local.set $x (v128.load32_splat (local.get $a2)))
              (local.set $acc4 (i32x4.add (local.get $acc4) (call $dot (local.get $w0) (local.get $x))))
              (local.set $acc5 (i32x4.add (local.get $acc5) (call $dot (local.get $w1) (local.get $x))))
              (local.set $x (v128.load32_splat (local.get $a3)))
              (local.set $acc6 (i32x4.add (local.get $acc6) (call $dot (local.get $w0) (local.get $x))))
              (local.set $acc7 (i32x4.add (local.get $acc7) (call $dot (local.get $w1) (local.get $x))))
;;fma           ))
              (local.set $a0 (i32.add (local.get $a0) (i32.const 4)))
              (local.set $a1 (i32.add (local.get $a1) (i32.const 4)))
              (local.set $a2 (i32.add (local.get $a2) (i32.const 4)))
              (local.set $a3 (i32.add (local.get $a3) (i32.const 4)))
              (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
              (br $ul)))
            ;; on to the next row of the windows
            (local.set $e (i32.sub (local.get $pixRow) (i32.shl (local.get $units) (i32.const 2))))
            (local.set $a0 (i32.add (local.get $a0) (local.get $e)))
            (local.set $a1 (i32.add (local.get $a1) (local.get $e)))
            (local.set $a2 (i32.add (local.get $a2) (local.get $e)))
            (local.set $a3 (i32.add (local.get $a3) (local.get $e)))
            (local.set $fh (i32.add (local.get $fh) (i32.const 1)))
            (br $fl)))
          ;; out[img, pos (+ r), j ..]
          (local.set $o (i32.add (i32.load offset=16 (local.get $p)) (i32.shl (i32.add
            (i32.mul (i32.add (i32.mul (local.get $img) (local.get $tiles)) (local.get $pos)) (local.get $n))
            (local.get $j)) (i32.const 2))))
          (local.set $e (i32.sub (local.get $n) (local.get $j)))
          ;; $fin written out (Node 20's V8 inlines no WebAssembly call: each one spilled every live v128)
          (if (local.get $pool) (then
            ;; the largest of the 4 finished windows (exact: the max pool of the activations)
            (local.set $y0 (f32x4.max (f32x4.max (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc0)) (local.get $sc0)) (local.get $b0)) (local.get $floor))
              (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc2)) (local.get $sc0)) (local.get $b0)) (local.get $floor)))
              (f32x4.max (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc4)) (local.get $sc0)) (local.get $b0)) (local.get $floor))
                (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc6)) (local.get $sc0)) (local.get $b0)) (local.get $floor)))))
            (local.set $y1 (f32x4.max (f32x4.max (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc1)) (local.get $sc1)) (local.get $b1)) (local.get $floor))
              (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc3)) (local.get $sc1)) (local.get $b1)) (local.get $floor)))
              (f32x4.max (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc5)) (local.get $sc1)) (local.get $b1)) (local.get $floor))
                (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc7)) (local.get $sc1)) (local.get $b1)) (local.get $floor)))))
            (if (i32.ge_s (local.get $e) (i32.const 8))
              (then (v128.store (local.get $o) (local.get $y0)) (v128.store offset=16 (local.get $o) (local.get $y1)))
              (else (call $store8 (local.get $y0) (local.get $y1) (local.get $o) (local.get $e))))
            (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
            (br $pl)))
          (local.set $r (i32.sub (local.get $positions) (local.get $pos)))
          (local.set $y0 (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc0)) (local.get $sc0)) (local.get $b0)) (local.get $floor)))
          (local.set $y1 (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc1)) (local.get $sc1)) (local.get $b1)) (local.get $floor)))
          (if (i32.ge_s (local.get $e) (i32.const 8))
              (then (v128.store (local.get $o) (local.get $y0)) (v128.store offset=16 (local.get $o) (local.get $y1)))
              (else (call $store8 (local.get $y0) (local.get $y1) (local.get $o) (local.get $e))))
          (local.set $o (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
          (if (i32.gt_s (local.get $r) (i32.const 1)) (then
            (local.set $y0 (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc2)) (local.get $sc0)) (local.get $b0)) (local.get $floor)))
            (local.set $y1 (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc3)) (local.get $sc1)) (local.get $b1)) (local.get $floor)))
            (if (i32.ge_s (local.get $e) (i32.const 8))
              (then (v128.store (local.get $o) (local.get $y0)) (v128.store offset=16 (local.get $o) (local.get $y1)))
              (else (call $store8 (local.get $y0) (local.get $y1) (local.get $o) (local.get $e))))))
          (local.set $o (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
          (if (i32.gt_s (local.get $r) (i32.const 2)) (then
            (local.set $y0 (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc4)) (local.get $sc0)) (local.get $b0)) (local.get $floor)))
            (local.set $y1 (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc5)) (local.get $sc1)) (local.get $b1)) (local.get $floor)))
            (if (i32.ge_s (local.get $e) (i32.const 8))
              (then (v128.store (local.get $o) (local.get $y0)) (v128.store offset=16 (local.get $o) (local.get $y1)))
              (else (call $store8 (local.get $y0) (local.get $y1) (local.get $o) (local.get $e))))))
          (local.set $o (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 2))))
          (if (i32.gt_s (local.get $r) (i32.const 3)) (then
            (local.set $y0 (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc6)) (local.get $sc0)) (local.get $b0)) (local.get $floor)))
            (local.set $y1 (f32x4.pmax (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc7)) (local.get $sc1)) (local.get $b1)) (local.get $floor)))
            (if (i32.ge_s (local.get $e) (i32.const 8))
              (then (v128.store (local.get $o) (local.get $y0)) (v128.store offset=16 (local.get $o) (local.get $y1)))
              (else (call $store8 (local.get $y0) (local.get $y1) (local.get $o) (local.get $e))))))
          (local.set $pos (i32.add (local.get $pos) (i32.const 4)))
          (br $pl)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jl)))
      (local.set $img (i32.add (local.get $img) (i32.const 1)))
      (br $images))))
