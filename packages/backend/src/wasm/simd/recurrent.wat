;; tensorfold's fused recurrent step kernels (WebAssembly SIMD): the element-wise part of one time
;; step of the LSTM, the simple RNN and the GRU, forward and backward, over features x batch blocks of n floats
;; (n % 4 == 0), and the weights' gradient. The products between the steps run on the matMul of
;; kernels.wat; the driver that loops over time is src/wasm/kernels/fused-recurrence-driver.ts (cells
;; in fused-lstm.ts, fused-simple-rnn.ts and fused-gru.ts). Compiled by scripts/compile-simd-kernels.mjs to
;; src/wasm/simd/generated/; loaded by recurrent-kernels.ts, which also holds each function's contract.
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

  (func (export "lstmForward") (param $z i32) (param $x i32) (param $cPrev i32) (param $hPrev i32)
    (param $mask i32) (param $cOut i32) (param $hOut i32) (param $tcOut i32) (param $n i32)
    (local $k i32) (local $nb i32) (local $zk i32) (local $xk i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $c v128) (local $t v128)
    (local $h v128) (local $m v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $nb)))
      (local.set $zk (i32.add (local.get $z) (local.get $k)))
      (local.set $i (v128.load (local.get $zk)))
      (local.set $f (v128.load (i32.add (local.get $zk) (local.get $nb))))
      (local.set $g (v128.load (i32.add (local.get $zk) (i32.shl (local.get $nb) (i32.const 1)))))
      (local.set $o (v128.load (i32.add (local.get $zk) (i32.mul (local.get $nb) (i32.const 3)))))
      (if (local.get $x) (then
        (local.set $xk (i32.add (local.get $x) (local.get $k)))
        (local.set $i (f32x4.add (local.get $i) (v128.load (local.get $xk))))
        (local.set $f (f32x4.add (local.get $f) (v128.load (i32.add (local.get $xk) (local.get $nb)))))
        (local.set $g (f32x4.add (local.get $g) (v128.load (i32.add (local.get $xk) (i32.shl (local.get $nb) (i32.const 1))))))
        (local.set $o (f32x4.add (local.get $o) (v128.load (i32.add (local.get $xk) (i32.mul (local.get $nb) (i32.const 3))))))))
      (local.set $i (call $sigmoid (local.get $i)))
      (local.set $f (call $sigmoid (local.get $f)))
      (local.set $g (call $tanh (local.get $g)))
      (local.set $o (call $sigmoid (local.get $o)))
      (v128.store (local.get $zk) (local.get $i))
      (v128.store (i32.add (local.get $zk) (local.get $nb)) (local.get $f))
      (v128.store (i32.add (local.get $zk) (i32.shl (local.get $nb) (i32.const 1))) (local.get $g))
      (v128.store (i32.add (local.get $zk) (i32.mul (local.get $nb) (i32.const 3))) (local.get $o))
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

  ;; out[i, j] += sum over s < steps of a_s[i, :] . b_s[j, :] for i < m, j < n, where a_s = a + s aStep
  ;; ([m, k]) and b_s = b + s bStep ([n, k]), strides in bytes: the products a_s . b_sT, summed and
  ;; accumulated. Needs m % 4 == 0, n % 2 == 0, k % 4 == 0, steps >= 1. 4 rows of a by 2 rows of b in
  ;; 8 vector accumulators along k and the steps, each summed across its lanes at the end.
  (func (export "matMulTransposedAdd") (param $a i32) (param $b i32) (param $out i32) (param $m i32) (param $k i32) (param $n i32)
    (param $steps i32) (param $aStep i32) (param $bStep i32)
    (local $i i32) (local $j i32) (local $p i32) (local $kb i32) (local $ap i32) (local $bp i32) (local $op i32) (local $s i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $b0 v128) (local $b1 v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (local.set $kb (i32.shl (local.get $k) (i32.const 2)))
    (block $iDone (loop $iNext
      (br_if $iDone (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $j (i32.const 0))
      (block $jDone (loop $jNext
        (br_if $jDone (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $acc0 (v128.const i32x4 0 0 0 0)) (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (local.set $acc2 (v128.const i32x4 0 0 0 0)) (local.set $acc3 (v128.const i32x4 0 0 0 0))
        (local.set $acc4 (v128.const i32x4 0 0 0 0)) (local.set $acc5 (v128.const i32x4 0 0 0 0))
        (local.set $acc6 (v128.const i32x4 0 0 0 0)) (local.set $acc7 (v128.const i32x4 0 0 0 0))
        (local.set $ap (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $kb))))
        (local.set $bp (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $kb))))
        (local.set $s (local.get $steps))
        (loop $sNext
        (local.set $p (i32.const 0))
        (loop $pNext
          (local.set $b0 (v128.load (i32.add (local.get $bp) (local.get $p))))
          (local.set $b1 (v128.load (i32.add (i32.add (local.get $bp) (local.get $kb)) (local.get $p))))
          (local.set $a0 (v128.load (i32.add (local.get $ap) (local.get $p))))
          (local.set $a1 (v128.load (i32.add (i32.add (local.get $ap) (local.get $kb)) (local.get $p))))
          (local.set $a2 (v128.load (i32.add (i32.add (local.get $ap) (i32.shl (local.get $kb) (i32.const 1))) (local.get $p))))
          (local.set $a3 (v128.load (i32.add (i32.add (local.get $ap) (i32.mul (local.get $kb) (i32.const 3))) (local.get $p))))
          (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $a0) (local.get $b0))))
          (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $a0) (local.get $b1))))
          (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $a1) (local.get $b0))))
          (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $a1) (local.get $b1))))
          (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $a2) (local.get $b0))))
          (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $a2) (local.get $b1))))
          (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $a3) (local.get $b0))))
          (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $a3) (local.get $b1))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br_if $pNext (i32.lt_u (local.get $p) (local.get $kb))))
        (local.set $ap (i32.add (local.get $ap) (local.get $aStep)))
        (local.set $bp (i32.add (local.get $bp) (local.get $bStep)))
        (local.set $s (i32.sub (local.get $s) (i32.const 1)))
        (br_if $sNext (local.get $s)))
        ;; out row i gets (acc0, acc1) at columns j, j + 1; rows i + 1..3 the next pairs
        (local.set $op (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
        (call $addPair (local.get $op) (local.get $acc0) (local.get $acc1))
        (local.set $op (i32.add (local.get $op) (i32.shl (local.get $n) (i32.const 2))))
        (call $addPair (local.get $op) (local.get $acc2) (local.get $acc3))
        (local.set $op (i32.add (local.get $op) (i32.shl (local.get $n) (i32.const 2))))
        (call $addPair (local.get $op) (local.get $acc4) (local.get $acc5))
        (local.set $op (i32.add (local.get $op) (i32.shl (local.get $n) (i32.const 2))))
        (call $addPair (local.get $op) (local.get $acc6) (local.get $acc7))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $jNext)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $iNext))))

  ;; out[0] += the lanes of x summed, out[1] += those of y: sums of the (x, y) lanes pairwise in one vector
  (func $addPair (param $out i32) (param $x v128) (param $y v128)
    (local $s v128)
    ;; s = (x0 + x2, x1 + x3, y0 + y2, y1 + y3)
    (local.set $s (f32x4.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $y))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $y))))
    ;; (s0 + s1, s2 + s3) in lanes 0 and 2
    (local.set $s (f32x4.add (local.get $s) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $s) (local.get $s))))
    (f32.store (local.get $out) (f32.add (f32.load (local.get $out)) (f32x4.extract_lane 0 (local.get $s))))
    (f32.store offset=4 (local.get $out) (f32.add (f32.load offset=4 (local.get $out)) (f32x4.extract_lane 2 (local.get $s)))))

  ;; One simple RNN step, forward: z <- tanh(z) (z holds the step's pre-activation), and hOut gets
  ;; it, or hPrev where the mask says padding (mask 0: none).
  (func (export "rnnForward") (param $z i32) (param $hPrev i32) (param $mask i32) (param $hOut i32) (param $n i32)
    (local $k i32) (local $nb i32) (local $h v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $nb)))
      (local.set $h (call $tanh (v128.load (i32.add (local.get $z) (local.get $k)))))
      (v128.store (i32.add (local.get $z) (local.get $k)) (local.get $h))
      (if (local.get $mask) (then
        (local.set $h (v128.bitselect (local.get $h) (v128.load (i32.add (local.get $hPrev) (local.get $k)))
          (f32x4.gt (v128.load (i32.add (local.get $mask) (local.get $k))) (f32x4.splat (f32.const 0.5)))))))
      (v128.store (i32.add (local.get $hOut) (local.get $k)) (local.get $h))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))

  ;; One simple RNN step, backward: with dh = dhNext + dhRec + dy (dy 0: none) and the step's
  ;; activated h, dz gets dh (1 - h^2) where the step is real (0 where padding), and dhNext the part
  ;; of dh a padding step passes through.
  (func (export "rnnBackward") (param $h i32) (param $dy i32) (param $mask i32) (param $dhNext i32)
    (param $dhRec i32) (param $dz i32) (param $n i32)
    (local $k i32) (local $nb i32) (local $dh v128) (local $m v128)
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
      (v128.store (i32.add (local.get $dz) (local.get $k))
        (v128.and (local.get $m) (f32x4.mul (local.get $dh) (call $dtanh (v128.load (i32.add (local.get $h) (local.get $k)))))))
      (v128.store (i32.add (local.get $dhNext) (local.get $k)) (v128.andnot (local.get $dh) (local.get $m)))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))

  ;; One GRU step (reset after, Keras's resetAfter), forward: p holds 4 blocks of pre-activations,
  ;; p0 = x_z + U_z h + b_z, p1 = the same for r, p2 = U_h h + b'_h, p3 = x_h + b_h. Computes
  ;; z = sigmoid(p0), r = sigmoid(p1), hh = tanh(p3 + r p2), h = z hPrev + (1 - z) hh; p0, p1, p3 get
  ;; z, r, hh (p2 stays), and hOut gets h, or hPrev where the mask says padding (mask 0: none).
  (func (export "gruForward") (param $p i32) (param $hPrev i32) (param $mask i32) (param $hOut i32) (param $n i32)
    (local $k i32) (local $nb i32) (local $pk i32) (local $z v128) (local $r v128) (local $hh v128) (local $hp v128) (local $h v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $nb)))
      (local.set $pk (i32.add (local.get $p) (local.get $k)))
      (local.set $z (call $sigmoid (v128.load (local.get $pk))))
      (local.set $r (call $sigmoid (v128.load (i32.add (local.get $pk) (local.get $nb)))))
      (local.set $hh (call $tanh (f32x4.add (v128.load (i32.add (local.get $pk) (i32.mul (local.get $nb) (i32.const 3))))
        (f32x4.mul (local.get $r) (v128.load (i32.add (local.get $pk) (i32.shl (local.get $nb) (i32.const 1))))))))
      (v128.store (local.get $pk) (local.get $z))
      (v128.store (i32.add (local.get $pk) (local.get $nb)) (local.get $r))
      (v128.store (i32.add (local.get $pk) (i32.mul (local.get $nb) (i32.const 3))) (local.get $hh))
      (local.set $hp (v128.load (i32.add (local.get $hPrev) (local.get $k))))
      (local.set $h (f32x4.add (local.get $hh) (f32x4.mul (local.get $z) (f32x4.sub (local.get $hp) (local.get $hh)))))
      (if (local.get $mask) (then
        (local.set $h (v128.bitselect (local.get $h) (local.get $hp)
          (f32x4.gt (v128.load (i32.add (local.get $mask) (local.get $k))) (f32x4.splat (f32.const 0.5)))))))
      (v128.store (i32.add (local.get $hOut) (local.get $k)) (local.get $h))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))

  ;; One GRU step (reset after), backward: with dh = dhNext + dhRec + dy (dy 0: none), the step's
  ;; z, r, p2, hh in g (as gruForward left them) and hPrev, writes the 4 blocks' pre-activation
  ;; gradients to dp, and over dhNext the part of the previous output's gradient that does not go
  ;; through the products: dh z where the step is real, dh where it is padding.
  (func (export "gruBackward") (param $g i32) (param $hPrev i32) (param $dy i32) (param $mask i32)
    (param $dhNext i32) (param $dhRec i32) (param $dp i32) (param $n i32)
    (local $k i32) (local $nb i32) (local $gk i32) (local $dk i32) (local $dh v128) (local $dhNew v128) (local $m v128)
    (local $z v128) (local $r v128) (local $hh v128) (local $pre v128)
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
      (local.set $gk (i32.add (local.get $g) (local.get $k)))
      (local.set $z (v128.load (local.get $gk)))
      (local.set $r (v128.load (i32.add (local.get $gk) (local.get $nb))))
      (local.set $hh (v128.load (i32.add (local.get $gk) (i32.mul (local.get $nb) (i32.const 3)))))
      (local.set $dk (i32.add (local.get $dp) (local.get $k)))
      (v128.store (local.get $dk) (f32x4.mul (f32x4.mul (local.get $dhNew)
        (f32x4.sub (v128.load (i32.add (local.get $hPrev) (local.get $k))) (local.get $hh))) (call $dsig (local.get $z))))
      ;; the candidate's pre-activation gradient: dh (1 - z) (1 - hh^2)
      (local.set $pre (f32x4.mul (f32x4.sub (local.get $dhNew) (f32x4.mul (local.get $dhNew) (local.get $z)))
        (call $dtanh (local.get $hh))))
      (v128.store (i32.add (local.get $dk) (local.get $nb)) (f32x4.mul (f32x4.mul (local.get $pre)
        (v128.load (i32.add (local.get $gk) (i32.shl (local.get $nb) (i32.const 1))))) (call $dsig (local.get $r))))
      (v128.store (i32.add (local.get $dk) (i32.shl (local.get $nb) (i32.const 1))) (f32x4.mul (local.get $pre) (local.get $r)))
      (v128.store (i32.add (local.get $dk) (i32.mul (local.get $nb) (i32.const 3))) (local.get $pre))
      (v128.store (i32.add (local.get $dhNext) (local.get $k))
        (f32x4.add (f32x4.mul (local.get $dhNew) (local.get $z)) (v128.andnot (local.get $dh) (local.get $m))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))
)
