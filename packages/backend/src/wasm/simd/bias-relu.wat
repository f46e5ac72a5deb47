;; A dense layer's epilogue in place on a product out[rows, cols] (row-major): a per-column bias
;; (flags bit 0) then relu (flags bit 1, max with 0: NaN stays NaN). Needs cols % 4 == 0. Pointers
;; are byte offsets into the memory of tfjs-backend-wasm.
(module
  (import "env" "memory" (memory 0))
  (func (export "biasRelu") (param $out i32) (param $bias i32) (param $rows i32) (param $cols i32) (param $flags i32)
    (local $p i32) (local $end i32) (local $c i32) (local $v v128) (local $zero v128)
    (local.set $p (local.get $out))
    (local.set $end (i32.add (local.get $out) (i32.shl (i32.mul (local.get $rows) (local.get $cols)) (i32.const 2))))
    (if (i32.ge_u (local.get $p) (local.get $end)) (then (return)))
    (loop $rowNext
      (local.set $c (i32.const 0))
      (loop $colNext
        (local.set $v (v128.load (local.get $p)))
        (if (i32.and (local.get $flags) (i32.const 1)) (then
          (local.set $v (f32x4.add (local.get $v)
            (v128.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2))))))))
        (if (i32.and (local.get $flags) (i32.const 2)) (then
          ;; lanes below zero become zero (a NaN compares false and is kept)
          (local.set $v (v128.andnot (local.get $v) (f32x4.lt (local.get $v) (local.get $zero))))))
        (v128.store (local.get $p) (local.get $v))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br_if $colNext (i32.lt_u (local.get $c) (local.get $cols))))
      (br_if $rowNext (i32.lt_u (local.get $p) (local.get $end))))))
