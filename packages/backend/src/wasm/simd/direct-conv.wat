;; The direct stride-1 convolution on one thread (direct-conv.ts beside this file loads it), in
;; tfjs-backend-wasm's memory (env.memory): its function, directConv, is fragments/direct-conv.wat,
;; which threaded-direct-conv.wat shares.
(module
  (import "env" "memory" (memory 0))
  (export "directConv" (func $directConv))

  ;; @include fragments/direct-conv.wat
)
