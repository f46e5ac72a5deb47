;; Fragment, not a module: the int8 kernels' epilogue for 4 columns of one row (fewer at the right
;; edge), the same function in int8.wat, threaded-int8.wat and threaded-int8-chain.wat (so the same
;; bits whichever module finishes an element). Each takes it with the line
;; `;; @include fragments/int8-finish.wat`.

  ;; Writes out[col .. min(col + 4, n)) = act(float(acc) * rowScale * colScales[col..] + bias[col..]).
  (func $finish
    (param $acc v128) (param $out i32) (param $col i32) (param $n i32) (param $colScales i32)
    (param $bias i32) (param $rowScale f32) (param $relu i32)
    (local $y v128) (local $left i32)
    (local.set $left (i32.sub (local.get $n) (local.get $col)))
    (if (i32.le_s (local.get $left) (i32.const 0)) (then (return)))
    (local.set $col (i32.shl (local.get $col) (i32.const 2)))
    (local.set $y (f32x4.add
      (f32x4.mul (f32x4.convert_i32x4_s (local.get $acc))
        (f32x4.mul (f32x4.splat (local.get $rowScale)) (v128.load (i32.add (local.get $colScales) (local.get $col)))))
      (v128.load (i32.add (local.get $bias) (local.get $col)))))
    (if (local.get $relu) (then (local.set $y (f32x4.pmax (local.get $y) (v128.const i32x4 0 0 0 0)))))
    (local.set $out (i32.add (local.get $out) (local.get $col)))
    (if (i32.ge_s (local.get $left) (i32.const 4)) (then (v128.store (local.get $out) (local.get $y)) (return)))
    (f32.store (local.get $out) (f32x4.extract_lane 0 (local.get $y)))
    (if (i32.ge_s (local.get $left) (i32.const 2))
      (then (f32.store offset=4 (local.get $out) (f32x4.extract_lane 1 (local.get $y)))))
    (if (i32.ge_s (local.get $left) (i32.const 3))
      (then (f32.store offset=8 (local.get $out) (f32x4.extract_lane 2 (local.get $y))))))
