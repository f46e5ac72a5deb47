;; tensorfold's fused LSTM step kernels (WebAssembly SIMD): the element-wise part of one time step of
;; the LSTM, forward and backward, over features x batch blocks of n floats (n % 4 == 0). The
;; recurrent products between the steps run on the matMul of kernels.wat; the driver that loops over
;; time is src/wasm/kernels/fused-lstm.ts. Compiled by scripts/compile-simd-kernels.mjs to
;; src/wasm/simd/generated/; loaded by recurrent-kernels.ts, which also holds each function's contract.
(module
  (import "env" "memory" (memory 0))

  ;; e^x, lane-wise, to about 2 ulp (Cephes expf: x = k ln2 + r with |r| <= ln2 / 2, a degree-6
  ;; polynomial for e^r, 2^k put in the exponent bits). x is clamped to [-87.3, 88.3], so no lane
  ;; underflows to a denormal or overflows (e^88.3 ~ 2.2e38).
  (func $exp (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $x) (f32x4.splat (f32.const -87.3))) (f32x4.splat (f32.const 88.3))))
    (local.set $k (f32x4.nearest (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504)))))
    (local.set $r (f32x4.sub (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) (f32x4.splat (f32.const 0.693359375))))
      (f32x4.mul (local.get $k) (f32x4.splat (f32.const -2.12194440e-4)))))
    (local.set $p (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r))
      (f32x4.splat (f32.const 1))))
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k)) (i32x4.splat (i32.const 127))) (i32.const 23))))

  ;; 1 / (1 + e^-x)
  (func $sigmoid (param $x v128) (result v128)
    (f32x4.div (f32x4.splat (f32.const 1))
      (f32x4.add (f32x4.splat (f32.const 1)) (call $exp (f32x4.neg (local.get $x))))))

  ;; tanh x = 2 sigmoid(2x) - 1 (absolute error about 1e-7)
  (func $tanh (param $x v128) (result v128)
    (f32x4.sub
      (f32x4.div (f32x4.splat (f32.const 2))
        (f32x4.add (f32x4.splat (f32.const 1)) (call $exp (f32x4.mul (local.get $x) (f32x4.splat (f32.const -2))))))
      (f32x4.splat (f32.const 1))))

  ;; y (1 - y): the sigmoid's derivative from its output
  (func $dsig (param $y v128) (result v128)
    (f32x4.mul (local.get $y) (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $y))))

  ;; 1 - y^2: tanh's derivative from its output
  (func $dtanh (param $y v128) (result v128)
    (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $y) (local.get $y))))

  (func (export "lstmForward") (param $z i32) (param $x i32) (param $cPrev i32) (param $hPrev i32)
    (param $mask i32) (param $cOut i32) (param $hOut i32) (param $tcOut i32) (param $n i32)
    (local $k i32) (local $nb i32) (local $zk i32) (local $xk i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $c v128) (local $t v128)
    (local $h v128) (local $m v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $nb)))
      (local.set $zk (i32.add (local.get $z) (local.get $k)))
      (local.set $xk (i32.add (local.get $x) (local.get $k)))
      (local.set $i (call $sigmoid (f32x4.add (v128.load (local.get $zk)) (v128.load (local.get $xk)))))
      (v128.store (local.get $zk) (local.get $i))
      (local.set $zk (i32.add (local.get $zk) (local.get $nb)))
      (local.set $xk (i32.add (local.get $xk) (local.get $nb)))
      (local.set $f (call $sigmoid (f32x4.add (v128.load (local.get $zk)) (v128.load (local.get $xk)))))
      (v128.store (local.get $zk) (local.get $f))
      (local.set $zk (i32.add (local.get $zk) (local.get $nb)))
      (local.set $xk (i32.add (local.get $xk) (local.get $nb)))
      (local.set $g (call $tanh (f32x4.add (v128.load (local.get $zk)) (v128.load (local.get $xk)))))
      (v128.store (local.get $zk) (local.get $g))
      (local.set $zk (i32.add (local.get $zk) (local.get $nb)))
      (local.set $xk (i32.add (local.get $xk) (local.get $nb)))
      (local.set $o (call $sigmoid (f32x4.add (v128.load (local.get $zk)) (v128.load (local.get $xk)))))
      (v128.store (local.get $zk) (local.get $o))
      (local.set $c (v128.load (i32.add (local.get $cPrev) (local.get $k))))
      (local.set $t (f32x4.add (f32x4.mul (local.get $f) (local.get $c)) (f32x4.mul (local.get $i) (local.get $g))))
      (local.set $i (call $tanh (local.get $t)))
      (v128.store (i32.add (local.get $tcOut) (local.get $k)) (local.get $i))
      (local.set $h (f32x4.mul (local.get $o) (local.get $i)))
      (if (local.get $mask) (then
        (local.set $m (f32x4.gt (v128.load (i32.add (local.get $mask) (local.get $k))) (f32x4.splat (f32.const 0.5))))
        (local.set $t (v128.bitselect (local.get $t) (local.get $c) (local.get $m)))
        (local.set $h (v128.bitselect (local.get $h) (v128.load (i32.add (local.get $hPrev) (local.get $k))) (local.get $m)))))
      (v128.store (i32.add (local.get $cOut) (local.get $k)) (local.get $t))
      (v128.store (i32.add (local.get $hOut) (local.get $k)) (local.get $h))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))

  (func (export "lstmBackward") (param $gates i32) (param $tc i32) (param $cPrev i32) (param $dy i32)
    (param $mask i32) (param $dhNext i32) (param $dhRec i32) (param $dcNext i32) (param $dz i32) (param $n i32)
    (local $k i32) (local $nb i32) (local $gk i32) (local $dk i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $t v128)
    (local $dh v128) (local $dhNew v128) (local $dc v128) (local $dcNew v128) (local $m v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $nb)))
      (local.set $dh (f32x4.add (v128.load (i32.add (local.get $dhNext) (local.get $k)))
        (v128.load (i32.add (local.get $dhRec) (local.get $k)))))
      (if (local.get $dy) (then
        (local.set $dh (f32x4.add (local.get $dh) (v128.load (i32.add (local.get $dy) (local.get $k)))))))
      (local.set $gk (i32.add (local.get $gates) (local.get $k)))
      (local.set $i (v128.load (local.get $gk)))
      (local.set $f (v128.load (i32.add (local.get $gk) (local.get $nb))))
      (local.set $g (v128.load (i32.add (local.get $gk) (i32.shl (local.get $nb) (i32.const 1)))))
      (local.set $o (v128.load (i32.add (local.get $gk) (i32.mul (local.get $nb) (i32.const 3)))))
      (local.set $t (v128.load (i32.add (local.get $tc) (local.get $k))))
      (local.set $dc (v128.load (i32.add (local.get $dcNext) (local.get $k))))
      (local.set $m (v128.const i32x4 -1 -1 -1 -1))
      (if (local.get $mask) (then
        (local.set $m (f32x4.gt (v128.load (i32.add (local.get $mask) (local.get $k))) (f32x4.splat (f32.const 0.5))))))
      (local.set $dhNew (v128.and (local.get $dh) (local.get $m)))
      (local.set $dcNew (v128.and (local.get $m)
        (f32x4.add (local.get $dc) (f32x4.mul (f32x4.mul (local.get $dhNew) (local.get $o)) (call $dtanh (local.get $t))))))
      (local.set $dk (i32.add (local.get $dz) (local.get $k)))
      (v128.store (local.get $dk) (f32x4.mul (f32x4.mul (local.get $dcNew) (local.get $g)) (call $dsig (local.get $i))))
      (v128.store (i32.add (local.get $dk) (local.get $nb)) (f32x4.mul
        (f32x4.mul (local.get $dcNew) (v128.load (i32.add (local.get $cPrev) (local.get $k)))) (call $dsig (local.get $f))))
      (v128.store (i32.add (local.get $dk) (i32.shl (local.get $nb) (i32.const 1)))
        (f32x4.mul (f32x4.mul (local.get $dcNew) (local.get $i)) (call $dtanh (local.get $g))))
      (v128.store (i32.add (local.get $dk) (i32.mul (local.get $nb) (i32.const 3)))
        (f32x4.mul (f32x4.mul (local.get $dhNew) (local.get $t)) (call $dsig (local.get $o))))
      ;; padding steps (mask 0) pass dh and dc straight through to the previous step
      (v128.store (i32.add (local.get $dcNext) (local.get $k))
        (f32x4.add (f32x4.mul (local.get $dcNew) (local.get $f)) (v128.andnot (local.get $dc) (local.get $m))))
      (v128.store (i32.add (local.get $dhNext) (local.get $k)) (v128.andnot (local.get $dh) (local.get $m)))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))
)
