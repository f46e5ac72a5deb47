/**
 * `pnpm --filter @tensorfold/bench step-overhead-kernels-ab [adam|transpose|sums|padrows] [rounds] [perRound]`
 *
 * Same-process A/B of two of wip/step-overhead's changes on their own, on WASM, sides alternated
 * every round (so that load from other processes hits both alike):
 * - `adam`: one Adam update of the MLP 784-512-256-10's six variables (535,818 weights), written over
 *   the old buffers (`on`, @tensorfold/optim's kernels/in-place.ts) or into new ones (`off`).
 * - `transpose`: swaps of the last two axes by the SIMD kernel (`on`, @tensorfold/backend's
 *   kernels/swap-last-axes.ts) or by stock tfjs-backend-wasm (`off`), for the MLP's shapes and
 *   batches of small matrices.
 * - `sums`: sums over the leading axis of 8 or 16 columns (a convolution's bias gradient) 8 columns at
 *   a time in registers (`on`, simd/column-sums.wat `columnSumsNarrow`) or row by row (`off`).
 * - `padrows`: LeNet-5's first-layer filter gradient (`[64, 28, 28, 1]` input, 3x3 to 8, same) with
 *   its width padding written by data-movement.wat's `padRows` (`on`) or a JavaScript loop (`off`).
 * Prints, per case, each side's median over the rounds of the round medians (ms) and the median and
 * quartiles of the paired round ratios off/on (> 1: `on` faster). Defaults: 30 rounds of 10 calls.
 * Thread count: `TENSORFOLD_WASM_THREADS=1` (or 2) as for every WASM run.
 */
import {
  setNarrowColumnSumsEnabled,
  setPadRowsEnabled,
  setSwapLastAxesEnabled,
} from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { adam } from '@tensorfold/optim';
import { setInPlaceUpdates } from '@tensorfold/optim/testing';
import { useBackend } from './backends.js';
import { medianAndQuartiles, medianOf } from './steadiness.js';
import { runSwitchAb } from './switch-ab.js';
import { timedSteps } from './timed-call.js';

/**
 * Alternates `set(false)` and `set(true)` rounds of `perRound` calls of `run` (after two warm-up
 * rounds); prints the summary of the round medians.
 */
async function abRounds(
  label: string,
  set: (on: boolean) => void,
  run: () => void,
  rounds: number,
  perRound: number,
) {
  const medians = await runSwitchAb(set, async (calls) => medianOf((await timedSteps(calls, run)).walls), {
    rounds,
    steps: perRound,
    warmupRounds: 2,
  });
  const ratios = medians.off.map((off, i) => off / medians.on[i]);
  console.log(
    `${label}: off ${medianOf(medians.off).toFixed(4)} ms, on ${medianOf(medians.on).toFixed(4)} ms, ` +
      `ratio off/on ${medianAndQuartiles(ratios, 3)}`,
  );
}

async function adamCase(rounds: number, perRound: number): Promise<void> {
  const shapes = [[784, 512], [512], [512, 256], [256], [256, 10], [10]];
  const optimizer = adam({ learningRate: 1e-3 });
  const variables = shapes.map((s, i) =>
    tf.tidy(() => tf.variable(tf.randomNormal(s, 0, 0.05, 'float32', i))),
  );
  const gradients = shapes.map((s, i) => tf.randomNormal(s, 0, 0.01, 'float32', 100 + i));
  const pairs = variables.map((variable, i) => ({ variable, gradient: gradients[i] }));
  try {
    await abRounds(
      'Adam update, MLP 784-512-256-10 (6 variables)',
      setInPlaceUpdates,
      () => optimizer.applyGradients(pairs),
      rounds,
      perRound,
    );
  } finally {
    tf.dispose([...variables, ...gradients]);
    optimizer.dispose();
  }
}

async function transposeCase(rounds: number, perRound: number): Promise<void> {
  const shapes = [
    [512, 784],
    [128, 784],
    [128, 512],
    [1, 512, 128],
    [128, 256],
    [256, 10],
    [4000, 8, 8],
    [1000, 16, 16],
    [64, 8, 64, 64],
  ];
  for (const shape of shapes) {
    const x = tf.randomUniform(shape, 0, 1, 'float32', 1);
    const rank = shape.length;
    const perm = shape.map((_, i) => (i < rank - 2 ? i : 2 * rank - 3 - i));
    try {
      await abRounds(
        `transpose [${shape}]`,
        setSwapLastAxesEnabled,
        () => tf.transpose(x, perm).dispose(),
        rounds,
        perRound,
      );
    } finally {
      x.dispose();
    }
  }
}

async function sumsCase(rounds: number, perRound: number): Promise<void> {
  for (const shape of [
    [50176, 8],
    [50176, 16],
    [6400, 16],
  ]) {
    const x = tf.randomUniform(shape, -1, 1, 'float32', 1);
    try {
      await abRounds(
        `sum over rows of [${shape}]`,
        setNarrowColumnSumsEnabled,
        () => tf.sum(x, 0).dispose(),
        rounds,
        perRound,
      );
    } finally {
      x.dispose();
    }
  }
}

async function padRowsCase(rounds: number, perRound: number): Promise<void> {
  // [batch, h, w, 1] input, [batch, h, w, 8] output gradient, 3x3 'same'
  const x = tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const dy = tf.randomUniform([64, 28, 28, 8], -1, 1, 'float32', 2) as tf.Tensor4D;
  try {
    await abRounds(
      'Conv2DBackpropFilter [64, 28, 28, 1], 3x3 to 8, same',
      setPadRowsEnabled,
      () =>
        (
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropFilter',
              { x, dy },
              { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 1, 8] },
            ) as tf.Tensor
        ).dispose(),
      rounds,
      perRound,
    );
  } finally {
    tf.dispose([x, dy]);
  }
}

const CASES: Record<string, (rounds: number, perRound: number) => Promise<void>> = {
  adam: adamCase,
  transpose: transposeCase,
  sums: sumsCase,
  padrows: padRowsCase,
};

async function main() {
  const [which = 'adam', roundsArg = '30', perRoundArg = '10'] = process.argv.slice(2);
  const run = CASES[which];
  if (run == null) throw new Error(`Unknown case ${which}: ${Object.keys(CASES).join(', ')}.`);
  const rounds = Number(roundsArg);
  const perRound = Number(perRoundArg);
  console.log(`backend: ${await useBackend('wasm')}; ${which}, ${rounds} rounds of ${perRound} calls`);
  await run(rounds, perRound);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
