;; The register-blocked filter gradient of filter-gradient-blocked.wat (one source:
;; fragments/filter-gradient-blocked.wat, included by both) on the shared memory of tensorfold's WASM
;; thread pool (threads/pool.ts), split by images: chunk c sums images [c * per, (c + 1) * per) into
;; its own partial gradient, which the caller adds up in chunk order. The chunks do not depend on the
;; number of threads: the same bits for any number of threads. The caller copies x and dy in and the
;; partials out.
(module
  (import "env" "memory" (memory 1 16384 shared))
  ;; Chunk `chunk`: the 18 i32 arguments of filterGradientBlocked (x, dy, out, batch, inH, inW, inC,
  ;; outH, outW, outC, fH, fW, strideH, strideW, dilationH, dilationW, padTop, padLeft), then per,
  ;; lie at `params`; the chunk's partial is at out + chunk * fH * fW * inC * outC floats (zeroed).
  (func (export "filterGradientBlockedChunk") (param $chunk i32) (param $p i32)
    (local $b0 i32) (local $count i32) (local $per i32)
    (local.set $per (i32.load offset=72 (local.get $p)))
    (local.set $b0 (i32.mul (local.get $chunk) (local.get $per)))
    (local.set $count (i32.sub (i32.load offset=12 (local.get $p)) (local.get $b0)))
    (if (i32.gt_s (local.get $count) (local.get $per)) (then (local.set $count (local.get $per))))
    (if (i32.gt_s (local.get $count) (i32.const 0)) (then
      (call $filterGradientBlocked
        ;; x[b0], dy[b0], out + chunk * filter size
        (i32.add (i32.load (local.get $p)) (i32.shl (i32.mul (local.get $b0) (i32.mul (i32.mul
          (i32.load offset=16 (local.get $p)) (i32.load offset=20 (local.get $p))) (i32.load offset=24 (local.get $p))))
          (i32.const 2)))
        (i32.add (i32.load offset=4 (local.get $p)) (i32.shl (i32.mul (local.get $b0) (i32.mul (i32.mul
          (i32.load offset=28 (local.get $p)) (i32.load offset=32 (local.get $p))) (i32.load offset=36 (local.get $p))))
          (i32.const 2)))
        (i32.add (i32.load offset=8 (local.get $p)) (i32.shl (i32.mul (local.get $chunk) (i32.mul (i32.mul
          (i32.load offset=40 (local.get $p)) (i32.load offset=44 (local.get $p))) (i32.mul
          (i32.load offset=24 (local.get $p)) (i32.load offset=36 (local.get $p))))) (i32.const 2)))
        (local.get $count)
        (i32.load offset=16 (local.get $p)) (i32.load offset=20 (local.get $p)) (i32.load offset=24 (local.get $p))
        (i32.load offset=28 (local.get $p)) (i32.load offset=32 (local.get $p)) (i32.load offset=36 (local.get $p))
        (i32.load offset=40 (local.get $p)) (i32.load offset=44 (local.get $p)) (i32.load offset=48 (local.get $p))
        (i32.load offset=52 (local.get $p)) (i32.load offset=56 (local.get $p)) (i32.load offset=60 (local.get $p))
        (i32.load offset=64 (local.get $p)) (i32.load offset=68 (local.get $p))))))

  ;; @include fragments/filter-gradient-blocked.wat
)
