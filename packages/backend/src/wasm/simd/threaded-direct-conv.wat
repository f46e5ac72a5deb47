;; The direct stride-1 convolution of direct-conv.wat (one source: fragments/direct-conv.wat, included
;; by both) on the shared memory of tensorfold's WASM thread pool (threads/pool.ts), split by images:
;; each chunk computes whole images, each output by the same code in the same order whichever thread
;; claims it, so the result has the same bits as direct-conv.wat's on one thread. The caller copies x,
;; w and the bias in and the output out.
(module
  (import "env" "memory" (memory 1 16384 shared))
  ;; Chunk `chunk`: images [chunk * per, min((chunk + 1) * per, batch)); the 16 i32 arguments of
  ;; directConv but b0 and count (x, w, bias, out, flags, batch, inH, inW, inC, outH, outW, outC,
  ;; fH, fW, padTop, padLeft), then per, lie at `params`.
  (func (export "directConvChunk") (param $chunk i32) (param $p i32)
    (local $b0 i32) (local $count i32)
    (local.set $b0 (i32.mul (local.get $chunk) (i32.load offset=64 (local.get $p))))
    (local.set $count (i32.sub (i32.load offset=20 (local.get $p)) (local.get $b0)))
    (if (i32.gt_s (local.get $count) (i32.load offset=64 (local.get $p)))
      (then (local.set $count (i32.load offset=64 (local.get $p)))))
    (if (i32.gt_s (local.get $count) (i32.const 0)) (then
      (call $directConv
        (i32.load (local.get $p)) (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p))
        (i32.load offset=12 (local.get $p)) (i32.load offset=16 (local.get $p))
        (local.get $b0) (local.get $count)
        (i32.load offset=24 (local.get $p)) (i32.load offset=28 (local.get $p)) (i32.load offset=32 (local.get $p))
        (i32.load offset=36 (local.get $p)) (i32.load offset=40 (local.get $p)) (i32.load offset=44 (local.get $p))
        (i32.load offset=48 (local.get $p)) (i32.load offset=52 (local.get $p)) (i32.load offset=56 (local.get $p))
        (i32.load offset=60 (local.get $p))))))

  ;; @include fragments/direct-conv.wat
)
