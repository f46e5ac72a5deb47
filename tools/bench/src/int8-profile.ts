/**
 * `pnpm --filter @tensorfold/bench int8-profile [mlp|lenet|vgg][,...] [ab] [mnist] [every]`: where an int8
 * forward spends its time, kernel by kernel (every WASM kernel wrapped in timers of the process's CPU
 * time, every thread's, and of wall-clock time: a pool's workers run inside the call), beside the
 * float32 model's, for 1000 random images through `predict` (batches of 32), 5 passes each, totals of
 * the last 3 (`mnist`: the first 1000 MNIST test digits instead of random images; `every`: every layer
 * int8, `minInputs: 0`, e.g. LeNet-5's first convolution too). With `ab`: the CPU time (and wall clock)
 * of whole passes of the float32 model and of int8 copies (default; float32 and int8 with both zero-step
 * skips off; every step of k multiplied, its dense
 * stack as a pool job a layer, unchained dense layers, unfolded, every layer, convolutions under 32 inputs
 * float, small dense layers float), 15 (`INT8_AB_ROUNDS`) alternating rounds at predict's batch of 32 (`INT8_AB_BATCH`),
 * medians (and the least CPU time), then int8 against float32 with both zero-step skips on (the fair
 * ratio), both off, and int8's on with float32's off (as measured before float32 had a skip). With `phases`: the int8 dense kernels' phases (quantization,
 * weights, products, copies: the calling thread's wall clock, from `setInt8PhaseClock`) and each
 * kernel's wall clock, beside the float32 model's kernels, 12 alternating passes after 3 warm-ups,
 * means a pass (`layers`: the dense stack run as one pool job a layer, the path before the job over rows).
 */
import { initBackend } from '@tensorfold/backend';
import {
  setInt8ChainByRowsEnabled,
  setInt8PhaseClock,
  setInt8ZeroSkipEnabled,
} from '@tensorfold/backend/testing';
import { quantizeForInference } from '@tensorfold/compress';
import { type Model, setSeed, tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
import { vggSmall } from '@tensorfold/models-cnn';
import { runAlternating } from './alternating-rounds.js';
import { lenet5Network, mlpNetwork } from './networks.js';
import { medianOf } from './steadiness.js';
import { timedMs } from './timed-call.js';
import { BOTH_SKIPS, predictingWithout } from './zero-skips.js';

const builders: Record<string, [() => Model, number[]]> = {
  mlp: [mlpNetwork, [784]],
  lenet: [() => lenet5Network(), [28, 28, 1]],
  vgg: [() => vggSmall({ filters: [16, 32], denseUnits: 128 }), [28, 28, 1]],
};

const times = new Map<string, number>();
/** Wall-clock milliseconds of each kernel (the kernels are synchronous: the pool's workers included). */
const walls = new Map<string, number>();
let counting = false;
/** `phases`: kernels timed by the wall clock (the phases are too), not the process's CPU time. */
const byWall = process.argv.includes('phases');

function wrapKernels(): void {
  for (const config of tf.getKernelsForBackend('wasm')) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const start = process.cpuUsage();
        const wallStart = performance.now();
        const out = inner(args);
        if (counting) {
          const wall = performance.now() - wallStart;
          const used = process.cpuUsage(start);
          const key = `${config.kernelName} ${args.inputs.x?.shape ?? args.inputs.a?.shape ?? ''}`;
          times.set(key, (times.get(key) ?? 0) + (byWall ? wall : (used.user + used.system) / 1000));
          walls.set(key, (walls.get(key) ?? 0) + wall);
        }
        return out;
      },
    });
  }
}

async function run(model: Model, x: tf.Tensor, label: string): Promise<void> {
  times.clear();
  walls.clear();
  let wall = 0;
  for (let r = 0; r < 5; r++) {
    counting = r >= 2;
    const start = performance.now();
    const y = model.predict(x) as tf.Tensor;
    await y.data();
    y.dispose();
    if (counting) wall += performance.now() - start;
  }
  counting = false;
  const total = [...times.values()].reduce((a, b) => a + b, 0);
  const totalWall = [...walls.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${label}: ${(wall / 3).toFixed(1)} ms a pass (wall), kernels ${(total / 3).toFixed(1)} ms of CPU time, ${(totalWall / 3).toFixed(1)} ms of wall`,
  );
  console.log('      CPU ms    wall ms  kernel [input shape]');
  for (const [k, v] of [...times].sort((a, b) => b[1] - a[1]).slice(0, 14))
    console.log(
      `  ${(v / 3).toFixed(2).padStart(9)}  ${((walls.get(k) ?? 0) / 3).toFixed(2).padStart(9)}  ${k}`,
    );
}

/** 1000 images: random in [0, 1), or with `mnist` among the arguments the first 1000 MNIST test digits. */
async function inputs(shape: number[]): Promise<tf.Tensor> {
  if (!process.argv.includes('mnist')) return tf.randomUniform([1000, ...shape]);
  const test = await loadMnist({ split: 'test', limit: 1000 });
  const x = tf.reshape(test.xs, [1000, ...shape]);
  test.dispose();
  return x;
}

/** How many inputs each output of a Dense or Conv2D layer sums (its kernel's size over its last axis). */
function inputsPerOutput(layer: Model['layers'][number]): number {
  const [kernel] = layer.getWeights();
  const inputs = kernel.size / kernel.shape[kernel.rank - 1];
  tf.dispose(layer.getWeights());
  return inputs;
}

/** `ab`'s variants with both zero-step skips off (zero-skips.ts). */
const FLOAT_NO_SKIP = 'float, no zero skip';
const INT8_NO_SKIP = 'int8, no zero skip (int8 nor float)';

/**
 * `ab`: CPU and wall-clock time of the float model and of int8 copies, 15 rounds (a warm-up first), each round
 * running every variant once, starting one variant later than the round before. The float model and
 * int8 run with both zero-step skips on (the default); then three lines give int8 against float32
 * with both skips on (the fair ratio), both off, and int8's on with float32's off (before the float
 * skip).
 */
async function ab(name: string): Promise<void> {
  const rounds = Number(process.env.INT8_AB_ROUNDS ?? 15);
  // predict's batch (its default 32 unless INT8_AB_BATCH says otherwise)
  const batchSize = Number(process.env.INT8_AB_BATCH ?? 32);
  const [build, input] = builders[name];
  setSeed(1);
  const float = build();
  const int8 = quantizeForInference(float);
  // the same int8 model with a backend switch off during its predict calls
  const switchedOff = (set: (on: boolean) => void) => predictingWithout(int8, [set]);
  // its dense stack run as one pool job a layer (the path before)
  const byLayers = switchedOff(setInt8ChainByRowsEnabled);
  // every step of k multiplied, zeros too (before the products passed over them)
  const zerosMultiplied = switchedOff(setInt8ZeroSkipEnabled);
  const variants: Record<string, Model> = {
    float,
    int8,
    // both zero-step skips off (zero-skips.ts): float32 as before it had one, int8 with neither
    [FLOAT_NO_SKIP]: predictingWithout(float, BOTH_SKIPS),
    [INT8_NO_SKIP]: predictingWithout(int8, BOTH_SKIPS),
    'int8, zeros multiplied': zerosMultiplied,
    'int8, a pool job a layer': byLayers,
    'int8 unchained': quantizeForInference(float, { chain: false }),
    'int8 unfolded': quantizeForInference(float, { fold: false }),
    'int8, every layer (minInputs 0)': quantizeForInference(float, { minInputs: 0 }),
    // the default before wave 8: a convolution under 32 inputs float even where its pool would fold in
    'int8, convolutions under 32 inputs float': quantizeForInference(float, {
      layers: float.layers
        .filter((l) => l.className === 'Dense' || (l.className === 'Conv2D' && inputsPerOutput(l) >= 32))
        .map((l) => l.name),
    }),
    'int8, dense under 16384 weights float': quantizeForInference(float, {
      layers: float.layers
        .filter((l) => l.className === 'Conv2D' || (l.className === 'Dense' && l.countParams() >= 16384))
        .map((l) => l.name),
    }),
  };
  const x = await inputs(input);
  const entries = Object.entries(variants);
  // each round starts one variant later: no variant always runs right after the same one
  const sides = entries.map(([, m]) => ({
    round: () =>
      timedMs(async () => {
        const y = m.predict(x, { batchSize }) as tf.Tensor;
        await y.data();
        y.dispose();
      }),
  }));
  const { rounds: times } = await runAlternating(sides, { rounds, steps: 1, continueRotation: true });
  const cpu = Object.fromEntries(entries.map(([k], i) => [k, times[i].map((t) => t.cpu)]));
  const wall = Object.fromEntries(entries.map(([k], i) => [k, times[i].map((t) => t.wall)]));
  const least = (a: number[]) => Math.min(...a);
  for (const k of Object.keys(cpu))
    console.log(
      `${name} ${k}: ${medianOf(cpu[k]).toFixed(1)} ms CPU (${(medianOf(cpu.float) / medianOf(cpu[k])).toFixed(2)}x), ${medianOf(wall[k]).toFixed(1)} ms wall (${(medianOf(wall.float) / medianOf(wall[k])).toFixed(2)}x); least CPU ${least(cpu[k]).toFixed(1)} ms (${(least(cpu.float) / least(cpu[k])).toFixed(2)}x)`,
    );
  // int8 against float32 with the skips as issue 18 compares them (float32's time / int8's)
  const ratio = (floatKey: string, int8Key: string) =>
    `${(medianOf(cpu[floatKey]) / medianOf(cpu[int8Key])).toFixed(2)}x CPU, ${(medianOf(wall[floatKey]) / medianOf(wall[int8Key])).toFixed(2)}x wall`;
  console.log(`${name} int8 vs float32, both zero skips on (the fair ratio): ${ratio('float', 'int8')}`);
  console.log(
    `${name} int8 vs float32, both zero skips off (reference): ${ratio(FLOAT_NO_SKIP, INT8_NO_SKIP)}`,
  );
  console.log(
    `${name} int8 with its skip vs float32 without one (the ratio before the float skip): ${ratio(FLOAT_NO_SKIP, 'int8')}`,
  );
  x.dispose();
}

/**
 * `phases`: 12 passes of each model, alternating, after 3 warm-ups; each kernel's wall time and the
 * int8 dense kernels' phases, means a pass, and the passes' median wall clock.
 */
async function phases(name: string): Promise<void> {
  const [build, input] = builders[name];
  setSeed(1);
  const float = build();
  const int8 = quantizeForInference(float);
  const x = await inputs(input);
  const phase = new Map<string, number>();
  setInt8PhaseClock((p, ms) => {
    if (counting) phase.set(p, (phase.get(p) ?? 0) + ms);
  });
  const kernels: Record<string, Map<string, number>> = { float: new Map(), int8: new Map() };
  const walls: Record<string, number[]> = { float: [], int8: [] };
  const passes = 12;
  for (let r = 0; r < passes + 3; r++)
    for (const [k, m] of r % 2 === 0
      ? ([
          ['float', float],
          ['int8', int8],
        ] as const)
      : ([
          ['int8', int8],
          ['float', float],
        ] as const)) {
      counting = r >= 3; // the phases come from the int8 model's kernels only
      times.clear();
      const start = performance.now();
      const y = m.predict(x) as tf.Tensor;
      await y.data();
      y.dispose();
      if (r < 3) continue;
      walls[k].push(performance.now() - start);
      for (const [key, v] of times) kernels[k].set(key, (kernels[k].get(key) ?? 0) + v);
    }
  counting = false;
  setInt8PhaseClock(null);
  for (const k of ['float', 'int8']) {
    const sum = [...kernels[k].values()].reduce((a, b) => a + b, 0);
    console.log(
      `${name} ${k}: ${medianOf(walls[k]).toFixed(2)} ms a pass (median wall), kernels ${(sum / passes).toFixed(2)} ms (wall, mean)`,
    );
    for (const [key, v] of [...kernels[k]].sort((a, b) => b[1] - a[1]).slice(0, 8))
      console.log(`  ${(v / passes).toFixed(3).padStart(8)} ms  ${key}`);
  }
  console.log(`${name} int8 phases (wall on the calling thread, mean a pass):`);
  for (const [key, v] of phase) console.log(`  ${(v / passes).toFixed(3).padStart(8)} ms  ${key}`);
  console.log(
    `${name} float / int8, median wall a pass: ${(medianOf(walls.float) / medianOf(walls.int8)).toFixed(2)}x`,
  );
  x.dispose();
  float.dispose();
  int8.dispose();
}

async function main() {
  await initBackend({ require: 'wasm' });
  if (process.argv[3] === 'phases') {
    wrapKernels();
    // `layers`: the dense stack as a pool job a layer (the path before), to compare phases
    setInt8ChainByRowsEnabled(!process.argv.includes('layers'));
    for (const name of process.argv[2].split(',')) await phases(name);
    process.exit(0);
  }
  if (process.argv[3] === 'ab') {
    for (const name of process.argv[2].split(',')) await ab(name);
    process.exit(0);
  }
  wrapKernels();
  for (const name of (process.argv[2] ?? 'lenet').split(',')) {
    const [build, input] = builders[name];
    setSeed(1);
    const float = build();
    const int8 = quantizeForInference(float, process.argv.includes('every') ? { minInputs: 0 } : {});
    const x = await inputs(input);
    await run(float, x, `${name} float32`);
    await run(int8, x, `${name} int8`);
    await run(float, x, `${name} float32`);
    await run(int8, x, `${name} int8`);
    tf.dispose([x]);
    float.dispose();
    int8.dispose();
  }
  process.exit(0);
}

main();
