;; The direct int8 convolution of threaded-int8-direct.wat (one source: fragments/int8-direct.wat,
;; included by both) on tfjs-backend-wasm's own memory (env.memory, not shared), for one thread:
;; kernels/int8-direct-conv.ts calls its chunk function once, over every image, where no pool runs.
(module
  (import "env" "memory" (memory 0))

  ;; @include fragments/int8-direct.wat
)
