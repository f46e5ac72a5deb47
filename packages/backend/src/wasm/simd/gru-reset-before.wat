;; tensorfold's fused GRU in its reset-before form (Keras's resetAfter: false), WebAssembly SIMD: the
;; element-wise parts of one time step, forward and backward, over features x batch blocks of n floats
;; (n % 4 == 0). A step needs two products (the reset gate multiplies h before U_h), so each pass is two
;; kernels with a product between them (kernels.wat's matMul); the driver that loops over time is
;; src/wasm/kernels/fused-gru-reset-before.ts. Its own module (recurrent.wat is near the 4 KB limit),
;; so it carries its own copy of the activations. Loaded by gru-reset-before-kernels.ts, which also
;; holds each function's contract.
(module
  (import "env" "memory" (memory 0))

  ;; tanh x, lane-wise, as a rational function of x (the odd degree-13 / even degree-6 minimax
  ;; approximation that Eigen uses for float): absolute error below 4e-7, exactly +-1 beyond |x| = 7.9
  ;; (x is clamped there). Written so that the FMA build fuses each Horner step ($acc: see
  ;; scripts/compile-simd-kernels.mjs).
  (func $tanh (param $x v128) (result v128)
    (local $x2 v128) (local $p v128) (local $q v128) (local $acc v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $x) (f32x4.splat (f32.const -7.90531110763549805)))
      (f32x4.splat (f32.const 7.90531110763549805))))
    (local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $p (f32x4.splat (f32.const -2.76076847742355e-16)))
    (local.set $acc (f32x4.splat (f32.const 2.00018790482477e-13)))
    (local.set $p (f32x4.add (local.get $acc) (f32x4.mul (local.get $p) (local.get $x2))))
    (local.set $acc (f32x4.splat (f32.const -8.60467152213735e-11)))
    (local.set $p (f32x4.add (local.get $acc) (f32x4.mul (local.get $p) (local.get $x2))))
    (local.set $acc (f32x4.splat (f32.const 5.12229709037114e-08)))
    (local.set $p (f32x4.add (local.get $acc) (f32x4.mul (local.get $p) (local.get $x2))))
    (local.set $acc (f32x4.splat (f32.const 1.48572235717979e-05)))
    (local.set $p (f32x4.add (local.get $acc) (f32x4.mul (local.get $p) (local.get $x2))))
    (local.set $acc (f32x4.splat (f32.const 6.37261928875436e-04)))
    (local.set $p (f32x4.add (local.get $acc) (f32x4.mul (local.get $p) (local.get $x2))))
    (local.set $acc (f32x4.splat (f32.const 4.89352455891786e-03)))
    (local.set $p (f32x4.add (local.get $acc) (f32x4.mul (local.get $p) (local.get $x2))))
    (local.set $q (f32x4.splat (f32.const 1.19825839466702e-06)))
    (local.set $acc (f32x4.splat (f32.const 1.18534705686654e-04)))
    (local.set $q (f32x4.add (local.get $acc) (f32x4.mul (local.get $q) (local.get $x2))))
    (local.set $acc (f32x4.splat (f32.const 2.26843463243900e-03)))
    (local.set $q (f32x4.add (local.get $acc) (f32x4.mul (local.get $q) (local.get $x2))))
    (local.set $acc (f32x4.splat (f32.const 4.89352518554385e-03)))
    (local.set $q (f32x4.add (local.get $acc) (f32x4.mul (local.get $q) (local.get $x2))))
    (f32x4.div (f32x4.mul (local.get $p) (local.get $x)) (local.get $q)))

  ;; 1 / (1 + e^-x) = (1 + tanh(x / 2)) / 2
  (func $sigmoid (param $x v128) (result v128)
    (f32x4.add (f32x4.splat (f32.const 0.5))
      (f32x4.mul (f32x4.splat (f32.const 0.5)) (call $tanh (f32x4.mul (local.get $x) (f32x4.splat (f32.const 0.5)))))))

  ;; y (1 - y): the sigmoid's derivative from its output
  (func $dsig (param $y v128) (result v128)
    (f32x4.mul (local.get $y) (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $y))))

  ;; 1 - y^2: tanh's derivative from its output
  (func $dtanh (param $y v128) (result v128)
    (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $y) (local.get $y))))

  ;; Forward, first half: p holds 3 blocks of pre-activations (z, r, and the candidate's input part
  ;; x_h + b_h); blocks 0 and 1 become z = sigmoid(p0) and r = sigmoid(p1), and rh gets r hPrev.
  (func (export "gatesForward") (param $p i32) (param $hPrev i32) (param $rh i32) (param $n i32)
    (local $k i32) (local $nb i32) (local $pk i32) (local $r v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $nb)))
      (local.set $pk (i32.add (local.get $p) (local.get $k)))
      (v128.store (local.get $pk) (call $sigmoid (v128.load (local.get $pk))))
      (local.set $r (call $sigmoid (v128.load (i32.add (local.get $pk) (local.get $nb)))))
      (v128.store (i32.add (local.get $pk) (local.get $nb)) (local.get $r))
      (v128.store (i32.add (local.get $rh) (local.get $k))
        (f32x4.mul (local.get $r) (v128.load (i32.add (local.get $hPrev) (local.get $k)))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))

  ;; Forward, second half, with q = U_h^T (r hPrev): hh = tanh(p2 + q) goes to block 2, and hOut gets
  ;; h = z hPrev + (1 - z) hh, or hPrev where the mask says padding (mask 0: none).
  (func (export "stateForward") (param $p i32) (param $q i32) (param $hPrev i32) (param $mask i32) (param $hOut i32) (param $n i32)
    (local $k i32) (local $nb i32) (local $pk i32) (local $hh v128) (local $hp v128) (local $h v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $nb)))
      (local.set $pk (i32.add (i32.add (local.get $p) (local.get $k)) (i32.shl (local.get $nb) (i32.const 1))))
      (local.set $hh (call $tanh (f32x4.add (v128.load (local.get $pk)) (v128.load (i32.add (local.get $q) (local.get $k))))))
      (v128.store (local.get $pk) (local.get $hh))
      (local.set $hp (v128.load (i32.add (local.get $hPrev) (local.get $k))))
      (local.set $h (f32x4.add (local.get $hh) (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $k)))
        (f32x4.sub (local.get $hp) (local.get $hh)))))
      (if (local.get $mask) (then
        (local.set $h (v128.bitselect (local.get $h) (local.get $hp)
          (f32x4.gt (v128.load (i32.add (local.get $mask) (local.get $k))) (f32x4.splat (f32.const 0.5)))))))
      (v128.store (i32.add (local.get $hOut) (local.get $k)) (local.get $h))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))

  ;; Backward, first half: with dh = dhNext + dhRec + dy (dy 0: none) and the blocks z, r, hh that the
  ;; forward left in g, dp gets block 0 dh (hPrev - hh) z (1 - z) and block 2 dh (1 - z) (1 - hh^2)
  ;; (zero where padding), and dhNext dh z (dh where padding).
  (func (export "stateBackward") (param $g i32) (param $hPrev i32) (param $dy i32) (param $mask i32)
    (param $dhNext i32) (param $dhRec i32) (param $dp i32) (param $n i32)
    (local $k i32) (local $nb i32) (local $dh v128) (local $dhNew v128) (local $m v128) (local $z v128) (local $hh v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $nb)))
      (local.set $dh (f32x4.add (v128.load (i32.add (local.get $dhNext) (local.get $k)))
        (v128.load (i32.add (local.get $dhRec) (local.get $k)))))
      (if (local.get $dy) (then
        (local.set $dh (f32x4.add (local.get $dh) (v128.load (i32.add (local.get $dy) (local.get $k)))))))
      (local.set $m (v128.const i32x4 -1 -1 -1 -1))
      (if (local.get $mask) (then
        (local.set $m (f32x4.gt (v128.load (i32.add (local.get $mask) (local.get $k))) (f32x4.splat (f32.const 0.5))))))
      (local.set $dhNew (v128.and (local.get $dh) (local.get $m)))
      (local.set $z (v128.load (i32.add (local.get $g) (local.get $k))))
      (local.set $hh (v128.load (i32.add (i32.add (local.get $g) (local.get $k)) (i32.shl (local.get $nb) (i32.const 1)))))
      (v128.store (i32.add (local.get $dp) (local.get $k)) (f32x4.mul (f32x4.mul (local.get $dhNew)
        (f32x4.sub (v128.load (i32.add (local.get $hPrev) (local.get $k))) (local.get $hh))) (call $dsig (local.get $z))))
      (v128.store (i32.add (i32.add (local.get $dp) (local.get $k)) (i32.shl (local.get $nb) (i32.const 1)))
        (f32x4.mul (f32x4.sub (local.get $dhNew) (f32x4.mul (local.get $dhNew) (local.get $z))) (call $dtanh (local.get $hh))))
      (v128.store (i32.add (local.get $dhNext) (local.get $k))
        (f32x4.add (f32x4.mul (local.get $dhNew) (local.get $z)) (v128.andnot (local.get $dh) (local.get $m))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))

  ;; Backward, second half, with drh = U_h dp2 (the gradient of r hPrev): dp's block 1 gets
  ;; drh hPrev r (1 - r), and dhNext += drh r, times the recurrent dropout mask drop (0: none).
  (func (export "gatesBackward") (param $g i32) (param $hPrev i32) (param $drh i32) (param $drop i32) (param $dhNext i32)
    (param $dp i32) (param $n i32)
    (local $k i32) (local $nb i32) (local $r v128) (local $d v128) (local $back v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $nb)))
      (local.set $r (v128.load (i32.add (i32.add (local.get $g) (local.get $k)) (local.get $nb))))
      (local.set $d (v128.load (i32.add (local.get $drh) (local.get $k))))
      (v128.store (i32.add (i32.add (local.get $dp) (local.get $k)) (local.get $nb)) (f32x4.mul (f32x4.mul (local.get $d)
        (v128.load (i32.add (local.get $hPrev) (local.get $k)))) (call $dsig (local.get $r))))
      (local.set $back (f32x4.mul (local.get $d) (local.get $r)))
      (if (local.get $drop) (then
        (local.set $back (f32x4.mul (local.get $back) (v128.load (i32.add (local.get $drop) (local.get $k)))))))
      (v128.store (i32.add (local.get $dhNext) (local.get $k))
        (f32x4.add (v128.load (i32.add (local.get $dhNext) (local.get $k))) (local.get $back)))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))
)
