/**
 * Where the time of one float32 product on the one-thread pairs' path goes (issue 22): the MLP
 * 784-512-256-10's five large products, on operands shaped like a training step's on MNIST (the first
 * MNIST batch of 128, Glorot weights, ReLU zeros in `h1`, `h2` and the gradients: as
 * `pair-lists-products`, from mlp-operands.ts), each timed whole (the tf op as the step calls it: forwards fused with a bias
 * and relu) and in its parts, called on the heap directly: the explicit transpose of a transposed
 * operand (tfjs's kernel; `dy . W^T` no longer runs it: its walk reads `W` as it lies, transposed into
 * the panels, and the column shows what that saved), `pairSteps` (the listing), `matMulPairs` on its
 * lists (panel copy, finite check and walk), `matMulPairs` on an all-zero `a`'s empty lists (the
 * panel copy and finite check with the writes of the output, which the walk overlaps; "copy alone":
 * one pair of rows, the panels' copy and check only), and the bias + relu epilogue. What the whole leaves over the
 * parts is the JS around the kernels (scope, allocation, dispatch). Sides alternated per round
 * (`runAlternating`); CPU microseconds per call, median [quartiles] over the rounds.
 *
 * The lists per single row (row-steps.wat) are off: the whole op takes the pairs' path its parts time.
 *
 * `TENSORFOLD_WASM_THREADS=1 pnpm --filter @tensorfold/bench pair-call-split [rounds]`
 */

import {
  biasRelu,
  matMulBySimd,
  pairScratchAt,
  pairStepKernels,
  pairStepsFloats,
  setFloatRowListsEnabled,
  type WasmBackendLike,
} from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { runAlternating } from './alternating-rounds.js';
import { useBackend } from './backends.js';
import { mlpOperands } from './mlp-operands.js';
import { medianAndQuartiles, medianOf } from './steadiness.js';
import { timedMs } from './timed-call.js';

const CALLS = 20;

interface Product {
  name: string;
  /** op(a) [m, k] and op(b) [k, n], laid out as the kernel reads them. */
  a: tf.Tensor2D;
  b: tf.Tensor2D;
  /** The tf op as the step calls it. */
  op: () => tf.Tensor;
  /** The explicit transpose the wrapper runs first, if any. */
  transpose?: () => tf.Tensor;
  /** `op(b)` as it lies, `[n, k]`, where the product transposes it into its panels (`dy . W^T`). */
  bT?: tf.Tensor2D;
  /** Whether the step fuses a bias and relu into it. */
  epilogue: boolean;
}

async function main() {
  const rounds = Number(process.argv[2] ?? '15');
  console.log(`backend: ${await useBackend('wasm')}`);
  setFloatRowListsEnabled(false); // (the whole op on the pairs' path, as its parts)
  // the first MNIST batch of 128, Glorot weights (seeds 1, 2), gradients (seeds 3, 4): mlp-operands.ts
  const operands = await mlpOperands();
  const { x, w1, w2, h1, dy1, dy2 } = operands;
  const b1 = tf.randomUniform([512], -0.1, 0.1, 'float32', 5) as tf.Tensor1D; // [512]
  const b2 = tf.randomUniform([256], -0.1, 0.1, 'float32', 6) as tf.Tensor1D; // [256]
  const products: Product[] = [
    {
      name: 'x . W1 (+b1, relu)',
      a: x,
      b: w1,
      op: () => tf.fused.matMul({ a: x, b: w1, bias: b1, activation: 'relu' }),
      epilogue: true,
    },
    {
      name: 'x^T . dy1',
      a: tf.transpose(x),
      b: dy1,
      op: () => tf.matMul(x, dy1, true, false),
      transpose: () => tf.transpose(x),
      epilogue: false,
    },
    {
      name: 'h1 . W2 (+b2, relu)',
      a: h1,
      b: w2,
      op: () => tf.fused.matMul({ a: h1, b: w2, bias: b2, activation: 'relu' }),
      epilogue: true,
    },
    {
      name: 'h1^T . dy2',
      a: tf.transpose(h1),
      b: dy2,
      op: () => tf.matMul(h1, dy2, true, false),
      transpose: () => tf.transpose(h1),
      epilogue: false,
    },
    {
      name: 'dy2 . W2^T',
      a: dy2,
      b: tf.transpose(w2),
      op: () => tf.matMul(dy2, w2, false, true),
      transpose: () => tf.transpose(w2),
      bT: w2,
      epilogue: false,
    },
  ];
  const backend = tf.backend() as unknown as WasmBackendLike;
  const pairs = pairStepKernels(backend);
  const epilogue = biasRelu(backend);
  if (pairs == null || epilogue == null)
    throw new Error('The pairs need the FMA build: run with relaxed SIMD.');
  console.log('| product | whole op | transpose | list | copy + check | walk | epilogue | JS left |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const p of products) {
    const [m, k] = p.a.shape;
    const n = p.b.shape[1];
    const zeroA = tf.zeros([m, k]);
    const scratch = tf.zeros([pairStepsFloats(m, k)]);
    const emptyScratch = tf.zeros([pairStepsFloats(m, k)]);
    const out = tf.zeros([m, n]);
    const bias = tf.zeros([n]);
    const oneScratch = tf.zeros([pairStepsFloats(2, k)]);
    const at = (t: tf.Tensor) => backend.typedArrayFromHeap(t as unknown as tf.TensorInfo).byteOffset;
    const lists = at(scratch);
    const empty = at(emptyScratch);
    const { every, panel } = pairScratchAt(lists, m, k);
    const emptyAt = pairScratchAt(empty, m, k);
    const listed = pairs.pairSteps(at(p.a), lists, m, k);
    pairs.pairSteps(at(zeroA), empty, m, k);
    const one = at(oneScratch);
    const oneAt = pairScratchAt(one, 2, k);
    pairs.pairSteps(at(zeroA), one, 2, k);
    const inputs = p.epilogue
      ? { a: p.a, b: p.b, bias: tf.zeros([n]) as unknown as tf.TensorInfo }
      : { a: p.a, b: p.b };
    const attrs: tf.NamedAttrMap = p.epilogue ? { activation: 'relu' } : {};
    const cpuPerCall = (run: () => void) => ({
      round: async (calls: number) => {
        const { cpu } = await timedMs(() => {
          for (let i = 0; i < calls; i++) run();
        });
        return (cpu * 1000) / calls;
      },
    });
    const sides = {
      whole: cpuPerCall(() => p.op().dispose()),
      transpose: cpuPerCall(() => p.transpose?.().dispose()),
      list: cpuPerCall(() => pairs.pairSteps(at(p.a), lists, m, k)),
      // (dy . W^T: W as it lies, transposed into the panels, as the product runs it now)
      pairs: cpuPerCall(() =>
        p.bT != null
          ? pairs.matMulPairs(at(p.a), at(p.bT), at(out), m, k, n, lists, every, panel, 1)
          : pairs.matMulPairs(at(p.a), at(p.b), at(out), m, k, n, lists, every, panel),
      ),
      copy: cpuPerCall(() =>
        pairs.matMulPairs(at(zeroA), at(p.b), at(out), m, k, n, empty, emptyAt.every, emptyAt.panel),
      ),
      copyAlone: cpuPerCall(() =>
        pairs.matMulPairs(at(zeroA), at(p.b), at(out), 2, k, n, one, oneAt.every, oneAt.panel),
      ),
      simd: cpuPerCall(() => {
        const r = matMulBySimd(backend, inputs as never, attrs);
        if (r == null) throw new Error('not taken');
        backend.disposeData(r.dataId);
      }),
      epilogue: cpuPerCall(() => {
        if (p.epilogue) epilogue.biasRelu(at(out), at(bias), m, n, 3);
      }),
    };
    const names = Object.keys(sides) as Array<keyof typeof sides>;
    const result = await runAlternating(
      names.map((s) => sides[s]),
      { rounds, steps: CALLS },
    );
    const by = Object.fromEntries(names.map((s, i) => [s, result.rounds[i]])) as Record<
      keyof typeof sides,
      number[]
    >;
    const med = (s: keyof typeof sides) => medianOf(by[s]);
    const walk = by.pairs.map((t, i) => t - by.copy[i]);
    const left = by.whole.map(
      (t, i) =>
        t -
        (p.bT != null ? 0 : by.transpose[i]) -
        by.list[i] -
        by.pairs[i] -
        (p.epilogue ? by.epilogue[i] : 0),
    );
    console.log(
      `  copy alone (one pair) ${medianAndQuartiles(by.copyAlone, 0)}, matMulBySimd ${medianAndQuartiles(by.simd, 0)}`,
    );
    console.log(
      `| ${p.name}, listed ${((2 * listed) / (m * k)).toFixed(2)} | ${medianAndQuartiles(by.whole, 0)} | ${p.transpose ? med('transpose').toFixed(0) : '-'} | ${med('list').toFixed(0)} | ${medianAndQuartiles(by.copy, 0)} | ${medianOf(walk).toFixed(0)} | ${p.epilogue ? med('epilogue').toFixed(0) : '-'} | ${medianOf(left).toFixed(0)} |`,
    );
    console.log(`  (load per core up to ${result.load.toFixed(2)})`);
    tf.dispose([zeroA, oneScratch, scratch, emptyScratch, out, bias]);
  }
  operands.dispose();
  tf.dispose([b1, b2]);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
