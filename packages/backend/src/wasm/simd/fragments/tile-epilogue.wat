;; Fragment, not a module: the bias and relu after a tile of the pool's float products over lists
;; (threaded-pair-steps.wat's pairChunk, threaded-row-wide.wat's rowChunk). Each takes it with the line
;; `;; @include fragments/tile-epilogue.wat` (scripts/wat-includes.mjs pastes it in before compiling).

  ;; Rows [i0, i1) and byte columns [c0, c1) (c1 - c0 a multiple of 16) of out (rowO bytes a row): the
  ;; bias added (flags bit 0: bias[j] to column j) and then relu (bit 1: max with +0), 4 columns at a time.
  (func $tileEpilogue (param $out i32) (param $bias i32) (param $i0 i32) (param $i1 i32) (param $c0 i32) (param $c1 i32)
    (param $rowO i32) (param $flags i32)
    (local $op i32) (local $end i32) (local $j i32) (local $v v128)
    (local.set $op (i32.add (local.get $out) (i32.mul (local.get $i0) (local.get $rowO))))
    (local.set $end (i32.add (local.get $out) (i32.mul (local.get $i1) (local.get $rowO))))
    (block $eDone (loop $eNext
      (br_if $eDone (i32.ge_u (local.get $op) (local.get $end)))
      (local.set $j (local.get $c0))
      (block $rowDone (loop $rowNext
        (br_if $rowDone (i32.ge_u (local.get $j) (local.get $c1)))
        (local.set $v (v128.load (i32.add (local.get $op) (local.get $j))))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then (local.set $v (f32x4.add (local.get $v) (v128.load (i32.add (local.get $bias) (local.get $j)))))))
        (if (i32.and (local.get $flags) (i32.const 2))
          (then (local.set $v (f32x4.max (local.get $v) (v128.const i32x4 0 0 0 0)))))
        (v128.store (i32.add (local.get $op) (local.get $j)) (local.get $v))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $rowNext)))
      (local.set $op (i32.add (local.get $op) (local.get $rowO)))
      (br $eNext))))
