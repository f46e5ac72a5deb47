;; Fragment, not a module: int8 quantization of activations, one scale a row, the same function in
;; int8.wat (which exports it), threaded-int8.wat and threaded-int8-chain.wat, so that the layers'
;; kernels, their pool jobs and the stack's job give the same levels. Each takes it with the line
;; `;; @include fragments/int8-quantize-rows.wat` (scripts/wat-includes.mjs pastes it in before
;; compiling; int8-quantize-rows.test.ts compares it with the JavaScript reference).

  ;; Quantizes each of `rows` rows of `k` floats at `x` to levels in [-top, top] (top: 63, the dense
  ;; kernels' DENSE_LEVEL_TOP, or 127, the convolutions' CONV_LEVEL_TOP; int8-kernels.ts):
  ;; level[i, t] = nearest(x[i, t] * (top / max_t |x[i, t]|)) for t < k, 0 for k <= t < kPad (all 0
  ;; in a row where top / max is not finite and positive: max 0, infinite, NaN, or under about
  ;; top / 3.4e38); scales[i] = max / top. Writes them as int16 at out where kPad is not 0 (rows kPad apart), and as
  ;; bytes at out8 where out8 is not 0 (rows kPad8 >= kPad apart, zero from k on; right only for
  ;; levels >= 0). Returns 1 where some x < 0 (or NaN), else 0.
  ;; No NaN-aware f32x4.max/min (8 x64 instructions each) and no trunc_sat: the max is taken on the
  ;; bits (|x| as an int32 orders as |x| does, a NaN above every number), and a level is rounded by
  ;; adding 1.5 * 2^23 (the sum's last bit is then worth 1: its bits minus the constant's are the
  ;; nearest whole number, ties to even, as f32.nearest; exact for |level| <= top).
  (func $quantizeRows
    (param $x i32) (param $rows i32) (param $k i32) (param $out i32) (param $kPad i32) (param $scales i32)
    (param $out8 i32) (param $kPad8 i32) (param $top f32) (result i32)
    (local $i i32) (local $p i32) (local $end i32) (local $t i32) (local $v v128) (local $lo v128)
    (local $m v128) (local $max f32) (local $inv f32) (local $invV v128) (local $neg v128) (local $tEnd i32)
    (local $level i32) (local $keep v128) (local $abs v128) (local $magic v128) (local $zero v128) ;; $zero: never set
    (local.set $abs (i32x4.shr_u (i32x4.splat (i32.const -1)) (i32.const 1)))
    (local.set $magic (f32x4.splat (f32.const 12582912)))
    (local.set $tEnd (select (local.get $kPad8) (local.get $kPad)
      (i32.and (i32.ne (local.get $out8) (i32.const 0)) (i32.gt_s (local.get $kPad8) (local.get $kPad)))))
    (block $done (loop $row
      (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
      ;; the max of |x| (as bits), and whether some x < 0: 4 floats at a time, then one at a time
      (local.set $m (i32x4.splat (i32.const 0)))
      (local.set $p (local.get $x))
      (local.set $end (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2))))
      (block $vd (loop $v
        (br_if $vd (i32.ge_u (local.get $p) (local.get $end)))
        (if (i32.le_u (i32.add (local.get $p) (i32.const 16)) (local.get $end))
          (then (local.set $v (v128.load (local.get $p))) (local.set $t (i32.const 16)))
          (else (local.set $v (v128.load32_splat (local.get $p))) (local.set $t (i32.const 4))))
        (local.set $m (i32x4.max_s (local.get $m) (v128.and (local.get $v) (local.get $abs))))
        (local.set $neg (v128.or (local.get $neg) (f32x4.lt (local.get $v) (local.get $zero))))
        (local.set $p (i32.add (local.get $p) (local.get $t)))
        (br $v)))
      ;; the lanes' max into lane 0: lanes 1, 3 onto 0, 2; then lane 2 onto 0
      (local.set $m (i32x4.max_s (local.get $m) (i64x2.shr_u (local.get $m) (i32.const 32))))
      (local.set $m (i32x4.max_s (local.get $m) (i64x2.splat (i64x2.extract_lane 1 (local.get $m)))))
      ;; a NaN counts as negative
      (local.set $neg (v128.or (local.get $neg) (i32x4.gt_s (local.get $m) (i32x4.splat (i32.const 0x7f800000)))))
      (local.set $max (f32.reinterpret_i32 (i32x4.extract_lane 0 (local.get $m))))
      ;; levels 0 where top / max is not a positive number (max 0, infinite or NaN; or so small that
      ;; top / max overflows: then as the reference, which stores the infinite levels as 0)
      (local.set $inv (f32.div (local.get $top) (local.get $max)))
      (if (i32.eqz (i32.and (f32.gt (local.get $inv) (f32.const 0)) (f32.lt (local.get $inv) (f32.const inf))))
        (then (local.set $inv (f32.const 0))))
      (f32.store (local.get $scales) (f32.div (local.get $max) (local.get $top)))
      (local.set $invV (f32x4.splat (local.get $inv)))
      (local.set $keep (i32x4.splat (i32.sub (i32.const 0) (f32.ne (local.get $inv) (f32.const 0)))))
      ;; 16 levels at a time
      (local.set $t (i32.const 0))
      (block $wd (loop $w
        (br_if $wd (i32.gt_s (i32.add (local.get $t) (i32.const 16)) (local.get $k)))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 2))))
        (local.set $lo (v128.and (local.get $keep) (i16x8.narrow_i32x4_s
          (i32x4.sub (f32x4.add (f32x4.mul (local.get $invV) (v128.load (local.get $p))) (local.get $magic)) (local.get $magic))
          (i32x4.sub (f32x4.add (f32x4.mul (local.get $invV) (v128.load offset=16 (local.get $p))) (local.get $magic)) (local.get $magic)))))
        (local.set $v (v128.and (local.get $keep) (i16x8.narrow_i32x4_s
          (i32x4.sub (f32x4.add (f32x4.mul (local.get $invV) (v128.load offset=32 (local.get $p))) (local.get $magic)) (local.get $magic))
          (i32x4.sub (f32x4.add (f32x4.mul (local.get $invV) (v128.load offset=48 (local.get $p))) (local.get $magic)) (local.get $magic)))))
        (if (local.get $kPad) (then
          (v128.store (i32.add (local.get $out) (i32.shl (local.get $t) (i32.const 1))) (local.get $lo))
          (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $t) (i32.const 1))) (local.get $v))))
        (if (local.get $out8) (then
          (v128.store (i32.add (local.get $out8) (local.get $t)) (i8x16.narrow_i16x8_u (local.get $lo) (local.get $v)))))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (br $w)))
      ;; the tail, then the zero padding
      (block $td (loop $tl
        (br_if $td (i32.ge_s (local.get $t) (local.get $tEnd)))
        ;; levels past k are 0, without loading past x's row (a `select` would load them)
        (local.set $level (i32.const 0))
        (if (i32.lt_s (local.get $t) (local.get $k)) (then
          (local.set $level (i32.trunc_sat_f32_s (f32.nearest (f32.mul (local.get $inv)
            (f32.load (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 2))))))))))
        (if (i32.lt_s (local.get $t) (local.get $kPad)) (then
          (i32.store16 (i32.add (local.get $out) (i32.shl (local.get $t) (i32.const 1))) (local.get $level))))
        (if (local.get $out8) (then
          (i32.store8 (i32.add (local.get $out8) (local.get $t)) (local.get $level))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $tl)))
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2))))
      (local.set $out (i32.add (local.get $out) (i32.shl (local.get $kPad) (i32.const 1))))
      (if (local.get $out8) (then (local.set $out8 (i32.add (local.get $out8) (local.get $kPad8)))))
      (local.set $scales (i32.add (local.get $scales) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $row)))
    (v128.any_true (local.get $neg)))
