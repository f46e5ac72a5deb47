/**
 * `pnpm --filter @tensorfold/bench step-split [mlp|lenet5] [steps]`
 *
 * Where a training step's time goes outside the kernels' own arithmetic (issue 22, branch wip/step-js).
 * Trains the network of training-models.ts (the MLP 784-512-256-10 at batch 128 or LeNet-5 at 64, Adam
 * 1e-3, categorical cross-entropy) on WASM with `trainOnBatch` on one seeded batch, and times each step
 * (default 300, after 20 untimed) split by wrappers put around:
 *
 * - every registered WASM kernel's `kernelFunc` ("kernel bodies": the arithmetic plus the JavaScript of
 *   the kernel wrappers, tfjs-backend-wasm's and @tensorfold/backend's; nested kernel calls counted once);
 * - tfjs-core's `Engine.runKernel` ("engine around runKernel": its time less the bodies inside it: kernel
 *   lookup, tensor tracking, tape recording, the 13 clones of saved tensors are kernel calls of their own);
 * - `Engine.gradients` (tape start, the forward pass and loss, the tape's filtering, backprop), the
 *   model's `forward`, the compiled loss function, each registered gradient function the step uses
 *   (their JavaScript: op wrappers, shapes, tensors made from numbers), the optimizer's
 *   `applyGradients`, the backend's `read` of the loss, and the metrics' `reset` and `read`: each as its
 *   time less the `runKernel` time inside it.
 *
 * Prints the median per step of each part, the kernel calls by name and the tensors made in one step.
 * `--plain`: no wrappers, the steps only (for `node --cpu-prof`; cpu-profile-summary.ts reads the file).
 * The wrappers cost about 0.1 us each (a `performance.now()` pair), a few microseconds a step. Thread
 * count: `TENSORFOLD_WASM_THREADS=1` (or 2) as for every WASM run.
 */
import { type Sequential, tf } from '@tensorfold/core';
import { adam, categoricalCrossentropy } from '@tensorfold/optim';
import { useBackend } from './backends.js';
import { lenet5Network, mlpNetwork } from './networks.js';
import { timeOutermostRunKernel } from './run-kernel-timing.js';
import { medianAndQuartiles } from './steadiness.js';
import { batchAt, disposeBatches, randomBatches } from './training-data.js';

type Fn = (...args: unknown[]) => unknown;

/** The gradients an MLP or LeNet-5 step runs (those registered for the active backend's kernels). */
/** training-models.ts's inputs, not imported from there: it loads tfjs-layers, whose bundle registers its own copies of tfjs-core's gradients (Mean's among them); users' processes do not. */
const TRAINING_INPUT = {
  mlp: { batch: 128, inputShape: [784] },
  lenet5: { batch: 64, inputShape: [28, 28, 1] },
} as const;

const GRADIENTS = [
  '_FusedMatMul',
  'FusedConv2D',
  'MaxPool',
  'Reshape',
  'Relu',
  'Softmax',
  'Mean',
  'TensorfoldProbabilitiesCrossentropy',
  'Cast',
];

async function main() {
  const args = process.argv.slice(2);
  const plain = args.includes('--plain');
  const [network = 'mlp', stepsArg = '300'] = args.filter((a) => !a.startsWith('--'));
  if (network !== 'mlp' && network !== 'lenet5')
    throw new Error(`Unknown network ${network}: mlp or lenet5.`);
  const steps = Number(stepsArg);
  console.log(`backend: ${await useBackend('wasm')}; ${network}, ${steps} timed steps`);
  const { batch, inputShape } = TRAINING_INPUT[network];
  const shape = [...inputShape];
  const model: Sequential = network === 'mlp' ? mlpNetwork() : lenet5Network();
  const optimizer = adam({ learningRate: 1e-3 });
  model.compile({ optimizer, loss: categoricalCrossentropy() });
  // the suite's seeded random batch: [batch, 784] or [batch, 28, 28, 1]; one-hot labels [batch, 10]
  const data = randomBatches(batch, shape);
  const { x, y } = batchAt(data, 0);
  const restore: Array<() => void> = [];
  try {
    for (let i = 0; i < 20; i++) await model.trainOnBatch(x, y);
    if (plain) {
      const walls: number[] = [];
      for (let i = 0; i < steps; i++) {
        const t = performance.now();
        await model.trainOnBatch(x, y);
        walls.push(performance.now() - t);
      }
      console.log(`step ms, median [q1, q3] of ${steps} steps: ${medianAndQuartiles(walls, 3)}`);
      return;
    }

    // Time spent in runKernel (outermost calls), and in kernel bodies (outermost).
    let inRun = 0;
    let inBody = 0;
    let bodyDepth = 0;
    const calls = new Map<string, number>();
    let counting = false;
    restore.push(
      timeOutermostRunKernel(
        (ms) => {
          inRun += ms;
        },
        (args) => {
          if (counting) calls.set(args[0] as string, (calls.get(args[0] as string) ?? 0) + 1);
        },
      ),
    );
    for (const kernel of tf.getKernelsForBackend('wasm')) {
      const config = kernel as { kernelFunc: Fn };
      const body = config.kernelFunc;
      config.kernelFunc = (...args: unknown[]) => {
        if (bodyDepth++ > 0) {
          try {
            return body(...args);
          } finally {
            bodyDepth--;
          }
        }
        const t = performance.now();
        try {
          return body(...args);
        } finally {
          inBody += performance.now() - t;
          bodyDepth--;
        }
      };
      restore.push(() => {
        config.kernelFunc = body;
      });
    }

    // Each part's time less the runKernel time inside it.
    const part: Record<string, number> = {};
    const timeOutsideKernels = (label: string, run: () => unknown) => {
      const t = performance.now();
      const before = inRun;
      try {
        return run();
      } finally {
        part[label] = (part[label] ?? 0) + (performance.now() - t) - (inRun - before);
      }
    };
    const wrap = (owner: object, name: string, label: string) => {
      const target = owner as Record<string, Fn>;
      const original = target[name];
      if (typeof original !== 'function') throw new Error(`No method ${name} to time.`);
      target[name] = function (this: unknown, ...args: unknown[]) {
        return timeOutsideKernels(label, () => original.apply(this, args));
      };
      restore.push(() => {
        target[name] = original;
      });
    };
    wrap(tf.engine(), 'gradients', 'Engine.gradients (tape, forward, loss, backprop)');
    wrap(model, 'forward', '  of which model.forward');
    const compiled = model.requireCompiled('fit') as unknown as { losses: Array<Record<string, Fn>> };
    wrap(compiled.losses[0], 'fn', '  of which the loss function');
    for (const name of GRADIENTS) {
      const config = tf.getGradient(name) as unknown as { gradFunc: Fn } | undefined;
      if (config == null) continue;
      const gradFunc = config.gradFunc;
      const label = `  of which ${name}'s gradient function`;
      config.gradFunc = (...args: unknown[]) => {
        const thunks = timeOutsideKernels(label, () => gradFunc(...args)) as Record<string, Fn>;
        const timed: Record<string, Fn> = {};
        for (const input of Object.keys(thunks))
          timed[input] = () => timeOutsideKernels(label, () => thunks[input]());
        return timed;
      };
      restore.push(() => {
        config.gradFunc = gradFunc;
      });
    }
    wrap(optimizer, 'applyGradients', 'optimizer.applyGradients');
    wrap(tf.backend(), 'read', "backend's read of the loss");
    wrap(model.metricsState, 'reset', 'metricsState.reset');
    wrap(model.metricsState, 'read', 'metricsState.read');

    // One step counted: kernel calls by name, tensors made (tensor ids are consecutive).
    counting = true;
    const firstId = tf.tidy(() => tf.scalar(0).id);
    const tensorsBefore = tf.memory().numTensors;
    await model.trainOnBatch(x, y);
    const made = tf.tidy(() => tf.scalar(0).id) - firstId - 1;
    counting = false;
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    console.log(
      `one step: ${total} runKernel calls (${[...calls].map(([k, n]) => `${k} ${n}`).join(', ')}); ` +
        `${made} tensors made, ${tf.memory().numTensors - tensorsBefore} left`,
    );

    const series: Record<string, number[]> = {};
    const push = (label: string, value: number) => {
      series[label] ??= [];
      series[label].push(value);
    };
    for (let i = 0; i < steps; i++) {
      inRun = 0;
      inBody = 0;
      for (const label of Object.keys(part)) part[label] = 0;
      const t = performance.now();
      await model.trainOnBatch(x, y);
      const wall = performance.now() - t;
      push('step', wall);
      push('kernel bodies', inBody);
      push('engine around runKernel (less bodies)', inRun - inBody);
      push('outside runKernel', wall - inRun);
      for (const [label, value] of Object.entries(part)) push(label, value);
    }
    console.log(`ms per step, median [q1, q3] of ${steps} steps (parts: their time less runKernel's):`);
    for (const [label, values] of Object.entries(series))
      console.log(`  ${label}: ${medianAndQuartiles(values, 3)}`);
  } finally {
    for (const undo of restore.reverse()) undo();
    model.dispose();
    optimizer.dispose();
    disposeBatches(data);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
