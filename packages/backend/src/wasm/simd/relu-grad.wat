;; reluGrad: relu's gradient mask in one pass, dx = dy * step(y), on float32 tensors in the memory of
;; tfjs-backend-wasm (pointers are byte offsets): step(y) is 1 where y > 0, NaN where y is NaN and 0
;; elsewhere, as the CPU backend's Step, and the product is taken (so dy * 0 keeps its sign, and an
;; infinite or NaN dy gives NaN), exactly as tf.mul(dy, tf.step(y)). Four lanes at a time, then the
;; last size % 4 one by one.
(module
  (import "env" "memory" (memory 0))
  (func (export "reluGrad") (param $dy i32) (param $y i32) (param $dx i32) (param $size i32)
    (local $end i32) (local $v v128) (local $s f32)
    ;; byte offset where the four-lane loop stops
    (local.set $end (i32.add (local.get $dy) (i32.shl (i32.and (local.get $size) (i32.const -4)) (i32.const 2))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $dy) (local.get $end)))
      (local.set $v (v128.load (local.get $y)))
      (v128.store (local.get $dx)
        (f32x4.mul (v128.load (local.get $dy))
          (v128.or
            (v128.and (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1))
            (v128.and (f32x4.ne (local.get $v) (local.get $v)) (v128.const f32x4 nan nan nan nan)))))
      (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
      (br $next)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $size) (i32.const 3)) (i32.const 2))))
    (block $tailDone (loop $tail
      (br_if $tailDone (i32.ge_u (local.get $dy) (local.get $end)))
      (local.set $s (f32.load (local.get $y)))
      (f32.store (local.get $dx)
        (f32.mul (f32.load (local.get $dy))
          (if (result f32) (f32.gt (local.get $s) (f32.const 0)) (then (f32.const 1))
            (else (if (result f32) (f32.ne (local.get $s) (local.get $s)) (then (f32.const nan)) (else (f32.const 0)))))))
      (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (local.set $dx (i32.add (local.get $dx) (i32.const 4)))
      (br $tail))))

  ;; reluGradSums: reluGrad's dx = dy * step(y) for dy, y, dx [rows, cols] (row-major), and at once
  ;; out[c] = the sum over rows of dx[r, c], rows added in order from 0 as column-sums.wat's columnSums
  ;; adds them (out is zeroed first): the same bits as reluGrad then columnSums, one pass instead of
  ;; two (a dense relu layer's gradient and its bias's). Any cols (the last cols % 4 one at a time).
  (func (export "reluGradSums") (param $dy i32) (param $y i32) (param $dx i32) (param $out i32) (param $rows i32)
    (param $cols i32)
    (local $end i32) (local $o i32) (local $vecEnd i32) (local $rowEnd i32) (local $v v128) (local $s f32) (local $d f32)
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $end (i32.add (local.get $dy) (i32.shl (i32.mul (local.get $rows) (local.get $cols)) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $out) (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2))))
    (local.set $rowEnd (i32.add (local.get $out) (i32.shl (local.get $cols) (i32.const 2))))
    (block $rowsDone (loop $rowNext
      (br_if $rowsDone (i32.ge_u (local.get $dy) (local.get $end)))
      (local.set $o (local.get $out))
      (block $vecDone (loop $vecNext
        (br_if $vecDone (i32.ge_u (local.get $o) (local.get $vecEnd)))
        (local.set $v (v128.load (local.get $y)))
        (local.set $v (f32x4.mul (v128.load (local.get $dy))
          (v128.or
            (v128.and (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1))
            (v128.and (f32x4.ne (local.get $v) (local.get $v)) (v128.const f32x4 nan nan nan nan)))))
        (v128.store (local.get $dx) (local.get $v))
        (v128.store (local.get $o) (f32x4.add (v128.load (local.get $o)) (local.get $v)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $vecNext)))
      (block $tailDone (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $o) (local.get $rowEnd)))
        (local.set $s (f32.load (local.get $y)))
        (local.set $d (f32.mul (f32.load (local.get $dy))
          (if (result f32) (f32.gt (local.get $s) (f32.const 0)) (then (f32.const 1))
            (else (if (result f32) (f32.ne (local.get $s) (local.get $s)) (then (f32.const nan)) (else (f32.const 0)))))))
        (f32.store (local.get $dx) (local.get $d))
        (f32.store (local.get $o) (f32.add (f32.load (local.get $o)) (local.get $d)))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 4)))
        (br $tail)))
      (br $rowNext))))
)
