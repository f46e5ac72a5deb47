/**
 * Adam's fused update, bit for bit: the WASM kernel (128-bit SIMD in float32 over the first `n - n % 4`
 * elements, the rule's JavaScript loop in float64 for the rest) and the CPU kernel (the loop
 * everywhere) against the rule written out here again, operation by operation, over several steps,
 * with odd sizes (tails of 3, 1 and 1 elements), NaN, infinities, zeros and subnormal gradients, with
 * and without weight decay, and with AMSGrad (its running maximum `vhat`, the third slot). Any change to the kernels (their order of operations, where the tail
 * starts, the coefficients' precision) that changes a bit fails here.
 */
import { type BackendName, useBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { afterAll, describe, expect, it } from 'vitest';
import '../../index.js';
import { seededNormal } from '../../test-utils/fused-configurations.js';
import { adam, adamw } from '../adam.js';

// 63, 5, 1 and 8 elements: SIMD for 60, 4, 0 and 8 of them.
const shapes = [[7, 9], [5], [1], [8]];
const steps = 4;
const lr = 0.01;
const beta1 = 0.9;
const beta2 = 0.999;
const epsilon = 1e-7;

/**
 * Step `step`'s gradient of variable `k`, with NaN, infinities, zeros and subnormals in variable 0;
 * `first` scales step 0's (100 for AMSGrad: `v` then falls below its maximum in the later steps).
 */
function gradient(k: number, step: number, first: number): Float32Array {
  const g = seededNormal(shapes[k], 100 * step + k);
  const values = (g.dataSync() as Float32Array).slice();
  g.dispose();
  if (step === 0) for (let i = 0; i < values.length; i++) values[i] *= first;
  if (k === 0 && step === 1) {
    Object.assign(values, { 2: Number.NaN, 10: Infinity, 11: -Infinity, 61: Number.NaN, 62: Infinity });
  }
  if (k === 0) Object.assign(values, { 20: 0, 21: 1e-40, 22: -3e-39, 60: 1e-41 });
  if (k === 3 && step === 0) values.fill(0);
  return values;
}

/** The coefficients Adam passes to its kernel at `step` (1-based), as `adam.ts` computes them. */
function coefficients(step: number, decay: number): number[] {
  return [
    (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step),
    1 - beta1,
    1 - beta2,
    epsilon * Math.sqrt(1 - beta2 ** step),
    decay,
  ];
}

/**
 * One step of the rule on elements `[0, simd)` in float32 arithmetic (each operation rounded to
 * float32, the coefficients too, as WebAssembly's f32x4 computes them) and on `[simd, n)` in float64
 * (the rule's loop: its `m` and `v` rounded only where stored). With `vhat` (AMSGrad), the divisor
 * is the square root of `max(vhat, v)`, stored to `vhat`.
 */
function referenceStep(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  c: number[],
  simd: number,
  vhat?: Float32Array,
) {
  const f = Math.fround;
  const [alpha, c1, c2, eps, decay] = c;
  const [a32, c132, c232, e32, d32] = c.map(f);
  for (let i = 0; i < w.length; i++) {
    if (i < simd) {
      const mi = f(m[i] + f(f(g[i] - m[i]) * c132));
      const vi = f(v[i] + f(f(f(g[i] * g[i]) - v[i]) * c232));
      const hi = vhat ? Math.max(vhat[i], vi) : vi;
      if (vhat) vhat[i] = hi;
      w[i] = f(f(w[i] * d32) - f(f(mi * a32) / f(f(Math.sqrt(hi)) + e32)));
      m[i] = mi;
      v[i] = vi;
    } else {
      const mi = m[i] + (g[i] - m[i]) * c1;
      const vi = v[i] + (g[i] * g[i] - v[i]) * c2;
      const hi = vhat ? Math.max(vhat[i], vi) : vi;
      if (vhat) vhat[i] = hi;
      w[i] = w[i] * decay - (mi * alpha) / (Math.sqrt(hi) + eps);
      m[i] = mi;
      v[i] = vi;
    }
  }
}

/** The same bits, NaN matching any NaN (hardware and JavaScript write different NaN payloads). */
function expectSameBits(actual: Float32Array, expected: Float32Array, label: string) {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i]) && Number.isNaN(expected[i])) continue;
    if (a[i] !== e[i]) {
      throw new Error(
        `${label}[${i}]: ${actual[i]} (0x${a[i].toString(16)}), expected ${expected[i]} (0x${e[i].toString(16)})`,
      );
    }
  }
}

afterAll(() => useBackend('cpu'));

describe.each(['wasm', 'cpu'] as BackendName[])('Adam on %s, bit for bit', (backend) => {
  it.each([
    ['adam', 0, false],
    ['adamw', 0.1, false],
    ['adam amsgrad', 0, true],
  ] as const)('%s: four steps match the rule written out', async (_, weightDecay, amsgrad) => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const optimizer =
      weightDecay > 0 ? adamw({ learningRate: lr, weightDecay }) : adam({ learningRate: lr, amsgrad });
    const initial = shapes.map((s, k) => seededNormal(s, 1 + k));
    const variables = initial.map((t) => tf.variable(t));
    const expected = initial.map((t) => ({
      w: (t.dataSync() as Float32Array).slice(),
      m: new Float32Array(t.size),
      v: new Float32Array(t.size),
      vhat: amsgrad ? new Float32Array(t.size) : undefined,
    }));
    tf.dispose(initial);
    const decay = weightDecay > 0 ? 1 - lr * weightDecay : 1;
    for (let step = 0; step < steps; step++) {
      const gradients = shapes.map((_, k) => gradient(k, step, amsgrad ? 100 : 1));
      tf.tidy(() =>
        optimizer.applyGradients(
          variables.map((variable, k) => ({ variable, gradient: tf.tensor(gradients[k], shapes[k]) })),
        ),
      );
      expected.forEach(({ w, m, v, vhat }, k) => {
        const simd = backend === 'wasm' ? w.length - (w.length % 4) : 0;
        referenceStep(w, gradients[k], m, v, coefficients(step + 1, decay), simd, vhat);
      });
    }
    // iter, then every variable's m, then every variable's v (then every variable's vhat)
    const state = await optimizer.getWeights();
    expect(state.map((s) => s.name)).toEqual([
      'iter',
      ...variables.map((v) => `${v.name}/m`),
      ...variables.map((v) => `${v.name}/v`),
      ...(amsgrad ? variables.map((v) => `${v.name}/vhat`) : []),
    ]);
    for (let k = 0; k < shapes.length; k++) {
      expectSameBits((await variables[k].data()) as Float32Array, expected[k].w, `w${k}`);
      expectSameBits((await state[1 + k].tensor.data()) as Float32Array, expected[k].m, `m${k}`);
      expectSameBits(
        (await state[1 + shapes.length + k].tensor.data()) as Float32Array,
        expected[k].v,
        `v${k}`,
      );
      const vhat = expected[k].vhat;
      if (vhat) {
        const got = (await state[1 + 2 * shapes.length + k].tensor.data()) as Float32Array;
        expectSameBits(got, vhat, `vhat${k}`);
        // the maximum mattered: v fell below it somewhere (else a swapped v and vhat would pass);
        // not in variable 3, whose step-0 gradient is all zeros
        if (k !== 3) expect(vhat.some((h, i) => h > expected[k].v[i])).toBe(true);
      }
    }
    // NaN and infinities stay where the gradients put them (the sums over them are NaN or infinite).
    expect(Number.isNaN(expected[0].w[2]) && Number.isNaN(expected[0].w[61])).toBe(true);
    tf.dispose([...variables, ...state.map((s) => s.tensor)]);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
