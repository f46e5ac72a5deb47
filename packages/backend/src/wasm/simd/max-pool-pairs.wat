;; maxPoolPairs: max pooling over 2x2 windows at stride 2 that lie inside the image, 4 channels at a
;; time, on tensors in the memory of tfjs-backend-wasm (pointers are byte offsets, float32). Each
;; window's maximum starts at -Infinity and takes a value only where it is larger (f32x4.pmax), as the
;; CPU backend compares: a NaN is passed over, a window of NaN gives -Infinity.
(module
  (import "env" "memory" (memory 0))
  (func (export "maxPoolPairs")
    (param $x i32) (param $y i32) (param $batch i32) (param $inH i32) (param $inW i32)
    (param $channels i32) (param $outH i32) (param $outW i32)
    (local $b i32) (local $oh i32) (local $ow i32) (local $c i32) (local $p i32) (local $q i32)
    (local $rowBytes i32) (local $pixelBytes i32)
    (local.set $pixelBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $inW) (local.get $pixelBytes)))
    (local.set $b (i32.const 0))
    (block $batchDone (loop $batchNext
      (br_if $batchDone (i32.ge_s (local.get $b) (local.get $batch)))
      (local.set $oh (i32.const 0))
      (block $ohDone (loop $ohNext
        (br_if $ohDone (i32.ge_s (local.get $oh) (local.get $outH)))
        ;; byte offset of x[b, 2 * oh, 0, 0]
        (local.set $p (i32.add (local.get $x) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inH))
          (i32.shl (local.get $oh) (i32.const 1))) (local.get $rowBytes))))
        (local.set $ow (i32.const 0))
        (block $owDone (loop $owNext
          (br_if $owDone (i32.ge_s (local.get $ow) (local.get $outW)))
          (local.set $c (i32.const 0))
          (block $cDone (loop $cNext
            (br_if $cDone (i32.ge_s (local.get $c) (local.get $pixelBytes)))
            (local.set $q (i32.add (local.get $p) (local.get $c)))
            (v128.store (local.get $y)
              (f32x4.pmax
                (f32x4.pmax
                  (f32x4.pmax
                    (f32x4.pmax (v128.const f32x4 -inf -inf -inf -inf) (v128.load (local.get $q)))
                    (v128.load (i32.add (local.get $q) (local.get $pixelBytes))))
                  (v128.load (i32.add (local.get $q) (local.get $rowBytes))))
                (v128.load (i32.add (i32.add (local.get $q) (local.get $rowBytes)) (local.get $pixelBytes)))))
            (local.set $y (i32.add (local.get $y) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $cNext)))
          (local.set $p (i32.add (local.get $p) (i32.shl (local.get $pixelBytes) (i32.const 1))))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $owNext)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohNext)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batchNext)))))
