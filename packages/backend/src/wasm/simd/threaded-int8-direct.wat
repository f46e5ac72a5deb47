;; The direct int8 convolution for tensorfold's WASM thread pool (kernels/int8-direct-conv.ts), on
;; the pool's shared memory: the pool's chunks call int8DirectConvChunk, each over whole images. Its
;; functions are fragments/int8-direct.wat (what they compute is described there), which
;; int8-direct.wat shares.
(module
  (import "env" "memory" (memory 1 16384 shared))

  ;; @include fragments/int8-direct.wat
)
