;; The register-blocked filter gradient on one thread (filter-gradient-blocked.ts beside this file
;; loads it), in tfjs-backend-wasm's memory (env.memory): its function, filterGradientBlocked, is
;; fragments/filter-gradient-blocked.wat, which threaded-filter-gradient-blocked.wat shares.
(module
  (import "env" "memory" (memory 0))
  (export "filterGradientBlocked" (func $filterGradientBlocked))

  ;; @include fragments/filter-gradient-blocked.wat
)
