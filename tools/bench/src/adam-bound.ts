/**
 * `pnpm --filter @tensorfold/bench adam-bound [rounds] [calls]`
 *
 * Where Adam's update stands against this machine's bound, on WASM, in one process: the MLP
 * 784-512-256-10's six variables (535,818 weights; per step it reads w, g, m, v and writes w, m, v:
 * 15.0 MB), each side over all six, sides alternated by {@link runAlternating} (rotated every round):
 * - `kernel`: the compiled Adam rule (@tensorfold/optim's kernels/wasm-simd.ts) called directly on the
 *   WASM heap, in place, with the rule's JavaScript loop for the last `n % 4` elements: the kernel
 *   body with no tfjs dispatch.
 * - `traffic`: a rule compiled the same way with the same loads and stores and one add per output
 *   (`w + g`, `m + g`, `v + g`): the same bytes through a minimal 128-bit SIMD loop.
 * - `no-div`: Adam's rule with `sqrt` dropped and the division turned into a product: its arithmetic
 *   less the divider (what sqrt and div cost on top).
 * - `kernel-L2`, `traffic-L2`: the same on 4 arrays of 16,384 elements (64 KB each, in the L2 cache)
 *   called over as many elements in all (33 calls).
 * - `div-L2`: `w = g / sqrt(v)` (m, v stored back) there: the divider's work alone, with the loads and
 *   stores; `sqrt-L2`: `w = sqrt(v)`; `quot-L2`: `w = g / v`.
 * - `copy`: `memory.copy` of w, m and v to a scratch area (reads 3 arrays, writes 3: 12.9 MB), the
 *   engine's bulk copy (native memmove).
 * - `no-decay`: Adam's rule without the weight-decay product `w * decay` (1 here): what compiling a
 *   second form for `decay = 1` would give.
 * - `apply`: `optimizer.applyGradients` of an Adam on its own six variables (kernel and dispatch);
 *   `apply-tiny`: the same on six variables of 2 to 16 weights (the dispatch alone).
 * - `tested-first`, `tested-first-L2`: Adam's rule compiled with its loop tested at the top of each
 *   turn (`ruleModule(rule, true)`, the form before wip/codegen: V8 then splats the 5 coefficients
 *   in every turn), against `kernel` and `kernel-L2` (tested at the end, the splats hoisted).
 * `ADAM_SIDES=kernel,tested-first,...` runs only the sides named (`kernel` always first).
 * Prints each side's median microseconds per call over the round medians, with quartiles, its rate in
 * GB/s of the bytes it moves, and the paired round ratios side / `kernel`. Defaults: 40 rounds of 20
 * calls. Threads: the update runs on the main thread whatever `TENSORFOLD_WASM_THREADS` says.
 */
import { tf } from '@tensorfold/core';
import { adam } from '@tensorfold/optim';
import {
  type FusedRule,
  fusedRule,
  registeredRules,
  ruleModule,
  simdUpdate,
  sqrt,
} from '@tensorfold/optim/testing';
import { runAlternating } from './alternating-rounds.js';
import { useBackend } from './backends.js';
import { medianAndQuartiles, medianOf } from './steadiness.js';
import { timedSteps } from './timed-call.js';

/** Elements per array of the `-L2` sides (4 arrays of 64 KB: they stay in the 1 MB L2 cache). */
const L2_SIZE = 16384;

const SHAPES = [[784, 512], [512], [512, 256], [256], [256, 10], [10]];
/** Six variables of 2 to 16 weights: an Adam step's dispatch alone. */
const TINY_SHAPES = [[4, 4], [4], [4, 2], [2], [2, 5], [5]];

/** The parts of tfjs-backend-wasm's backend used here. */
interface WasmBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  wasm: { asm: { memory: WebAssembly.Memory } };
}

/** w + g, m + g, v + g: Adam's loads and stores, one add each. */
const trafficRule = fusedRule({
  kernel: 'BenchTraffic',
  coefficients: [],
  slots: 2,
  outputs: ({ w, g, s: [m, v] }) => [w.add(g), m.add(g), v.add(g)],
  run(n, w, g, [m, v], [w1, m1, v1]) {
    for (let i = 0; i < n; i++) {
      w1[i] = w[i] + g[i];
      m1[i] = m[i] + g[i];
      v1[i] = v[i] + g[i];
    }
  },
});

/** Adam's rule without sqrt and with the division a product. */
const noDivRule = fusedRule({
  kernel: 'BenchAdamNoDiv',
  coefficients: ['alpha', 'oneMinusBeta1', 'oneMinusBeta2', 'epsilon'],
  slots: 2,
  outputs: ({ w, g, s: [m, v], c }) => {
    const m1 = m.add(g.sub(m).mul(c.oneMinusBeta1));
    const v1 = v.add(g.mul(g).sub(v).mul(c.oneMinusBeta2));
    return [w.sub(m1.mul(c.alpha).mul(v1.add(c.epsilon))), m1, v1];
  },
  run(n, w, g, [m, v], [w1, m1, v1], [alpha, c1, c2, epsilon, decay]) {
    for (let i = 0; i < n; i++) {
      const mi = m[i] + (g[i] - m[i]) * c1;
      const vi = v[i] + (g[i] * g[i] - v[i]) * c2;
      m1[i] = mi;
      v1[i] = vi;
      w1[i] = w[i] * decay - mi * alpha * (vi + epsilon);
    }
  },
});

/** `g / sqrt(v)` into w, m and v stored back: the divider's work alone (w written from g and v). */
const dividerRule = fusedRule({
  kernel: 'BenchDivider',
  coefficients: [],
  slots: 2,
  outputs: ({ g, s: [m, v] }) => [g.div(sqrt(v)), m, v],
  run(n, _w, g, [m, v], [w1, m1, v1]) {
    for (let i = 0; i < n; i++) {
      const vi = v[i];
      m1[i] = m[i];
      v1[i] = vi;
      w1[i] = g[i] / Math.sqrt(vi);
    }
  },
});

/** `sqrt(v)` alone into w (m and v stored back). */
const sqrtRule = fusedRule({
  kernel: 'BenchSqrt',
  coefficients: [],
  slots: 2,
  outputs: ({ s: [m, v] }) => [sqrt(v), m, v],
  run(n, _w, _g, [m, v], [w1, m1, v1]) {
    for (let i = 0; i < n; i++) {
      const vi = v[i];
      m1[i] = m[i];
      v1[i] = vi;
      w1[i] = Math.sqrt(vi);
    }
  },
});

/** `g / v` alone into w (m and v stored back). */
const quotientRule = fusedRule({
  kernel: 'BenchQuotient',
  coefficients: [],
  slots: 2,
  outputs: ({ g, s: [m, v] }) => [g.div(v), m, v],
  run(n, _w, g, [m, v], [w1, m1, v1]) {
    for (let i = 0; i < n; i++) {
      const vi = v[i];
      m1[i] = m[i];
      v1[i] = vi;
      w1[i] = g[i] / vi;
    }
  },
});

/** Adam's rule without the weight-decay product (`w`'s raw input): what dropping it when decay is 1 would give. */
const noDecayRule = fusedRule({
  kernel: 'BenchAdamNoDecay',
  coefficients: ['alpha', 'oneMinusBeta1', 'oneMinusBeta2', 'epsilon'],
  slots: 2,
  outputs: ({ w, g, s: [m, v], c }) => {
    const m1 = m.add(g.sub(m).mul(c.oneMinusBeta1));
    const v1 = v.add(g.mul(g).sub(v).mul(c.oneMinusBeta2));
    return [w.args[0].sub(m1.mul(c.alpha).div(sqrt(v1).add(c.epsilon))), m1, v1];
  },
  run(n, w, g, s, out, c) {
    (registeredRules().find((r) => r.kernel === 'TensorfoldAdam') as FusedRule).run(n, w, g, s, out, c);
  },
});

/** A module that exports `copy(dst, src, bytes)`: `memory.copy` on the imported memory. */
function copyFunction(memory: WebAssembly.Memory): (dst: number, src: number, bytes: number) => void {
  // biome-ignore format: the module's bytes, section by section
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x07, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x00, // type: (i32, i32, i32) -> ()
    0x02, 0x0f, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x00, // env.memory
    0x03, 0x02, 0x01, 0x00,
    0x07, 0x08, 0x01, 0x04, 0x63, 0x6f, 0x70, 0x79, 0x00, 0x00, // export "copy"
    0x0a, 0x0e, 0x01, 0x0c, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0a, 0x00, 0x00, 0x0b,
  ]);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return instance.exports.copy as (dst: number, src: number, bytes: number) => void;
}

async function main() {
  const [roundsArg = '40', callsArg = '20'] = process.argv.slice(2);
  const rounds = Number(roundsArg);
  const calls = Number(callsArg);
  console.log(`backend: ${await useBackend('wasm')}; ${rounds} rounds of ${calls} calls a side`);
  const tensorsBefore = tf.memory().numTensors;
  const backend = tf.backend() as unknown as WasmBackend;
  const memory = backend.wasm.asm.memory;
  const adamRule = registeredRules().find((r) => r.kernel === 'TensorfoldAdam') as FusedRule;
  const normal = (shape: number[], scale: number, seed: number) =>
    tf.randomNormal(shape, 0, scale, 'float32', seed);
  // The arrays the direct sides work on: w, g, m, v per variable, m and v as after a few steps.
  const tensors = SHAPES.map((s, i) => [
    normal(s, 0.05, i),
    normal(s, 0.01, 100 + i),
    normal(s, 0.001, 200 + i),
    tf.tidy(() => tf.square(normal(s, 0.01, 300 + i))),
  ]);
  // The same arithmetic on arrays that stay in the L2 cache (4 x 64 KB), called over as many elements.
  const small = [
    normal([L2_SIZE], 0.05, 1),
    normal([L2_SIZE], 0.01, 2),
    normal([L2_SIZE], 0.001, 3),
    tf.tidy(() => tf.square(normal([L2_SIZE], 0.01, 4))),
  ];
  const scratch = SHAPES.map((s) => [tf.zeros(s), tf.zeros(s), tf.zeros(s)]);
  const optimizer = adam({ learningRate: 1e-3 });
  const variables = SHAPES.map((s, i) => tf.tidy(() => tf.variable(normal(s, 0.05, i))));
  const gradients = SHAPES.map((s, i) => normal(s, 0.01, 100 + i));
  const pairs = variables.map((variable, i) => ({ variable, gradient: gradients[i] }));
  optimizer.applyGradients(pairs); // the slots exist from here on
  const tinyOptimizer = adam({ learningRate: 1e-3 });
  const tinyVariables = TINY_SHAPES.map((s, i) => tf.tidy(() => tf.variable(normal(s, 0.05, i))));
  const tinyGradients = TINY_SHAPES.map((s, i) => normal(s, 0.01, 100 + i));
  const tinyPairs = tinyVariables.map((variable, i) => ({ variable, gradient: tinyGradients[i] }));
  tinyOptimizer.applyGradients(tinyPairs);
  // Every tensor above is made before the views below: growing the heap would detach them.
  const views = tensors.map((set) => set.map((t) => backend.typedArrayFromHeap(t)));
  const smallViews = small.map((t) => backend.typedArrayFromHeap(t));
  const scratchViews = scratch.map((set) => set.map((t) => backend.typedArrayFromHeap(t)));
  // Adam's coefficients at step 10 (lr 1e-3), then the decay factor 1.
  const step = 10;
  const adamCoefficients = [
    (1e-3 * Math.sqrt(1 - 0.999 ** step)) / (1 - 0.9 ** step),
    0.1,
    0.001,
    1e-7 * Math.sqrt(1 - 0.999 ** step),
    1,
  ];
  /** One in-place call of `rule` over the six variables (SIMD body, then the loop's tail). */
  const ruleSide = (rule: FusedRule, c: number[], arrays = views, testedFirst = false) => {
    const update = testedFirst
      ? (new WebAssembly.Instance(new WebAssembly.Module(ruleModule(rule, true)), { env: { memory } }).exports
          .update as (...args: number[]) => void)
      : simdUpdate(rule, memory);
    if (update === null) throw new Error('WebAssembly SIMD is unavailable here.');
    return () => {
      for (const [w, g, m, v] of arrays) {
        const n = w.length;
        const vectorized = n - (n % 4);
        const o = [w, g, m, v, w, m, v].map((a) => a.byteOffset);
        update(vectorized * 4, ...o, ...c);
        if (vectorized < n) {
          const tail = (a: Float32Array) => a.subarray(vectorized);
          rule.run(n - vectorized, tail(w), tail(g), [tail(m), tail(v)], [tail(w), tail(m), tail(v)], c);
        }
      }
    };
  };
  const copy = copyFunction(memory);
  const parameters = SHAPES.reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0);
  const inL2 = Array.from({ length: Math.round(parameters / L2_SIZE) }, () => smallViews);
  const allSides: Array<{ name: string; bytes: number; run: () => void }> = [
    { name: 'kernel', bytes: 7 * 4 * parameters, run: ruleSide(adamRule, adamCoefficients) },
    {
      name: 'tested-first',
      bytes: 7 * 4 * parameters,
      run: ruleSide(adamRule, adamCoefficients, views, true),
    },
    {
      name: 'tested-first-L2',
      bytes: 7 * 4 * parameters,
      run: ruleSide(adamRule, adamCoefficients, inL2, true),
    },
    { name: 'no-decay', bytes: 7 * 4 * parameters, run: ruleSide(noDecayRule, adamCoefficients) },
    { name: 'traffic', bytes: 7 * 4 * parameters, run: ruleSide(trafficRule, [1]) },
    { name: 'no-div', bytes: 7 * 4 * parameters, run: ruleSide(noDivRule, adamCoefficients) },
    { name: 'kernel-L2', bytes: 7 * 4 * parameters, run: ruleSide(adamRule, adamCoefficients, inL2) },
    { name: 'traffic-L2', bytes: 7 * 4 * parameters, run: ruleSide(trafficRule, [1], inL2) },
    { name: 'div-L2', bytes: 7 * 4 * parameters, run: ruleSide(dividerRule, [1], inL2) },
    { name: 'sqrt-L2', bytes: 7 * 4 * parameters, run: ruleSide(sqrtRule, [1], inL2) },
    { name: 'quot-L2', bytes: 7 * 4 * parameters, run: ruleSide(quotientRule, [1], inL2) },
    {
      name: 'copy',
      bytes: 6 * 4 * parameters,
      run: () => {
        views.forEach(([w, , m, v], i) => {
          const [a, b, c] = scratchViews[i];
          copy(a.byteOffset, w.byteOffset, w.byteLength);
          copy(b.byteOffset, m.byteOffset, m.byteLength);
          copy(c.byteOffset, v.byteOffset, v.byteLength);
        });
      },
    },
    { name: 'apply', bytes: 7 * 4 * parameters, run: () => optimizer.applyGradients(pairs) },
    { name: 'apply-tiny', bytes: 0, run: () => tinyOptimizer.applyGradients(tinyPairs) },
  ];
  const named = process.env.ADAM_SIDES?.split(',');
  const unknown = named?.filter((name) => !allSides.some((side) => side.name === name)) ?? [];
  if (unknown.length > 0) {
    throw new Error(
      `ADAM_SIDES names no side ${unknown.join(', ')}: name some of ${allSides.map((side) => side.name).join(', ')}.`,
    );
  }
  const sides = allSides.filter(
    (side) => side.name === 'kernel' || named === undefined || named.includes(side.name),
  );
  const result = await runAlternating(
    sides.map((side) => ({
      round: async (count: number) => medianOf((await timedSteps(count, side.run)).walls),
    })),
    { rounds, steps: calls, warmupRounds: 2 },
  );
  const kernel = result.rounds[0];
  console.log(`${parameters} parameters; load per core up to ${result.load.toFixed(2)}`);
  sides.forEach((side, k) => {
    const medians = result.rounds[k];
    const us = medians.map((ms) => ms * 1000);
    const gbs = side.bytes / (medianOf(medians) / 1000) / 1e9;
    const ratios = medians.map((ms, i) => ms / kernel[i]);
    console.log(
      `${side.name.padEnd(10)} ${medianAndQuartiles(us, 1)} us, ${side.bytes > 0 ? `${gbs.toFixed(1)} GB/s` : '-'}, ` +
        `/ kernel ${medianAndQuartiles(ratios, 3)}`,
    );
  });
  tf.dispose([...tensors.flat(), ...small, ...scratch.flat(), ...variables, ...gradients]);
  tf.dispose([...tinyVariables, ...tinyGradients]);
  optimizer.dispose();
  tinyOptimizer.dispose();
  console.log(`tensors left: ${tf.memory().numTensors - tensorsBefore}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
