/**
 * One training step of an LSTM(50), a simpleRNN(50) and a GRU(50) (reset after, and reset before: the
 * layer's default) on a batch of 32 x 60 x 5
 * (forward, backward through time, Adam), with the last step's output through dense(1) and a
 * squared-error loss: tensorfold with its fused kernels (registered by @tensorfold/backend on WASM),
 * against the same layer on its op-by-op recurrence (the fused kernels unregistered for those
 * rounds), against tfjs-layers with the same weights, and against PyTorch 1.13 on one CPU thread
 * (nn.LSTM, nn.RNN, nn.GRU; `peers/pytorch_lstm.py`) where `python3` imports torch. tfjs-layers has no
 * reset-after GRU: that row times its reset-before GRU with its own weights; the reset-before row gets
 * our weights. PyTorch has only the reset-after GRU (nn.GRU): both GRU rows time it. The LSTM with
 * recurrent dropout (one mask per sequence, in training; tfjs-layers draws its own) runs against
 * nn.LSTM without it (PyTorch has no recurrent dropout). Also the inference time, fused against
 * op-by-op.
 *
 * All sides run in alternating rounds on the same machine (median over rounds); tensorfold and
 * tfjs-layers share tfjs-core's Adam.
 *
 * `pnpm --filter @tensorfold/bench bench layers-lstm --backend wasm`
 */
import * as tfl from '@tensorflow/tfjs-layers';
import {
  FUSED_GRU,
  FUSED_GRU_RESET_BEFORE,
  FUSED_LSTM,
  FUSED_RECURRENCE_KERNELS,
  FUSED_SIMPLE_RNN,
  type Layer,
  tf,
} from '@tensorfold/core';
import { dense, gru, lstm, simpleRNN } from '@tensorfold/layers';
import type { BenchContext, Suite } from '../harness.js';
import { findPyTorch, PyTorchPeer } from '../peers/pytorch.js';
import { medianOf as median } from '../steadiness.js';

const SCRIPT = new URL('../peers/pytorch_lstm.py', import.meta.url).pathname;

/** A side: how to run one step (resolves when its results are read back). */
type Side = () => Promise<void>;

interface Variables {
  read(): tf.Variable;
}

/** Runs `f` with the fused recurrent kernels unregistered (the op-by-op recurrence), then puts them back. */
async function opByOp<T>(backend: string, f: () => Promise<T>): Promise<T> {
  const configs = FUSED_RECURRENCE_KERNELS.map((name) => tf.getKernel(name, backend)).filter(
    (c): c is tf.KernelConfig => c != null,
  );
  for (const config of configs) tf.unregisterKernel(config.kernelName, backend);
  try {
    return await f();
  } finally {
    for (const config of configs) tf.registerKernel(config);
  }
}

/** A training step `loss = mean((head(lstm(x)) - y)²)`, minimized by `optimizer` over `variables`. */
function trainStep(
  forward: (x: tf.Tensor) => tf.Tensor,
  variables: tf.Variable[],
  x: tf.Tensor,
  y: tf.Tensor,
): Side {
  const optimizer = tf.train.adam(1e-3);
  return async () => {
    const cost = optimizer.minimize(
      () => tf.mean(tf.square(tf.sub(forward(x), y))) as tf.Scalar,
      true,
      variables,
    ) as tf.Scalar;
    await cost.data();
    cost.dispose();
  };
}

/** One recurrent layer to time. */
interface Case {
  /** How the rows name it. */
  label: string;
  ours: () => Layer;
  theirs: () => tfl.layers.Layer;
  /** The PyTorch peer's network. */
  torch: 'lstm' | 'rnn' | 'gru';
  /** Whether tfjs-layers gets our weights (false where its layer differs: its GRU has no reset-after form). */
  sameWeights: boolean;
  /** Its fused forward kernel. */
  kernel: string;
}

const cases: Case[] = [
  {
    label: 'lstm(50)',
    ours: () => lstm({ units: 50, seed: 1 }),
    theirs: () =>
      tfl.layers.lstm({ units: 50, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }),
    torch: 'lstm',
    kernel: FUSED_LSTM,
    sameWeights: true,
  },
  {
    label: 'simpleRNN(50)',
    ours: () => simpleRNN({ units: 50, seed: 1 }),
    theirs: () => tfl.layers.simpleRNN({ units: 50, recurrentInitializer: 'glorotUniform' }),
    torch: 'rnn',
    kernel: FUSED_SIMPLE_RNN,
    sameWeights: true,
  },
  {
    label: 'gru(50) resetAfter',
    ours: () => gru({ units: 50, resetAfter: true, seed: 1 }),
    // tfjs-layers has only the reset-before GRU: same shapes and work per step, its own weights.
    theirs: () =>
      tfl.layers.gru({ units: 50, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }),
    torch: 'gru',
    kernel: FUSED_GRU,
    sameWeights: false,
  },
  {
    label: 'gru(50) resetBefore',
    ours: () => gru({ units: 50, seed: 1 }),
    theirs: () =>
      tfl.layers.gru({ units: 50, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }),
    torch: 'gru',
    kernel: FUSED_GRU_RESET_BEFORE,
    sameWeights: true,
  },
  {
    label: 'lstm(50) recurrentDropout 0.2',
    ours: () => lstm({ units: 50, recurrentDropout: 0.2, seed: 1 }),
    theirs: () =>
      tfl.layers.lstm({
        units: 50,
        recurrentDropout: 0.2,
        recurrentActivation: 'sigmoid',
        recurrentInitializer: 'glorotUniform',
      }),
    // nn.LSTM has no recurrent dropout: its row times the plain LSTM.
    torch: 'lstm',
    kernel: FUSED_LSTM,
    sameWeights: true,
  },
];

async function runCase(ctx: BenchContext, c: Case): Promise<void> {
  const x = tf.randomUniform([32, 60, 5], -1, 1, 'float32', 2);
  const y = tf.randomUniform([32, 1], 0, 1, 'float32', 3);
  const ours: Layer[] = [c.ours(), dense({ units: 1 })];
  const theirs = [c.theirs(), tfl.layers.dense({ units: 1 })];
  const ourForward = (v: tf.Tensor) =>
    ours[1]?.apply(ours[0]?.apply(v, { training: true }) as tf.Tensor) as tf.Tensor;
  const theirForward = (v: tf.Tensor) =>
    theirs[1]?.apply(theirs[0]?.apply(v, { training: true }) as tf.Tensor) as tf.Tensor;
  tf.dispose([ourForward(x), theirForward(x)]);
  ours.forEach((layer, i) => {
    if (!c.sameWeights && i === 0) return;
    const weights = layer.getWeights();
    theirs[i]?.setWeights(weights);
    tf.dispose(weights);
  });
  const ourVariables = ours.flatMap((l) => l.trainableWeights.map((w) => w.variable));
  const theirVariables = theirs.flatMap((l) =>
    l.trainableWeights.map((w) => (w as unknown as Variables).read()),
  );
  const fusedStep = trainStep(ourForward, ourVariables, x, y);
  const opStep = trainStep(ourForward, ourVariables, x, y);
  const tfjsStep = trainStep(theirForward, theirVariables, x, y);
  const fusedRegistered = tf.getKernel(c.kernel, ctx.backend) != null;

  const torch = findPyTorch();
  const peer = torch.python ? new PyTorchPeer(torch.python, SCRIPT) : null;
  const [rounds, steps] = ctx.quick ? [3, 2] : [7, 5];
  const times = { fused: [] as number[], op: [] as number[], tfjs: [] as number[], torch: [] as number[] };
  const cpuTimes = { fused: [] as number[], torch: [] as number[] };
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const timed = async (step: Side, cpu?: number[]) => {
    const [start, cpuStart] = [performance.now(), cpuMs()];
    for (let k = 0; k < steps; k++) await step();
    cpu?.push((cpuMs() - cpuStart) / steps);
    return (performance.now() - start) / steps;
  };
  try {
    // Warm-up: each side twice (builds the optimizers' slots and the kernels' caches).
    for (let i = 0; i < 2; i++) {
      await fusedStep();
      await opByOp(ctx.backend, opStep);
      await tfjsStep();
    }
    if (peer) await peer.round(c.torch, 1, 1);
    for (let r = 0; r < rounds; r++) {
      const sides: Array<() => Promise<void>> = [
        async () => void times.fused.push(await timed(fusedStep, cpuTimes.fused)),
        async () => void times.op.push(await opByOp(ctx.backend, () => timed(opStep))),
        async () => void times.tfjs.push(await timed(tfjsStep)),
        async () => {
          if (!peer) return;
          const round = await peer.timedRound(c.torch, steps, 1);
          times.torch.push((round.wall * 1000) / steps);
          cpuTimes.torch.push((round.cpu * 1000) / steps);
        },
      ];
      // Rotate the order, so no side always runs first after another's garbage.
      for (let s = 0; s < sides.length; s++) await (sides[(s + r) % sides.length] as () => Promise<void>)();
    }
  } finally {
    peer?.close();
  }
  const fused = median(times.fused);
  const note = fusedRegistered ? undefined : `no fused kernels on ${ctx.backend}: both sides op-by-op`;
  const row = (against: string, peerValue: number | null, peerName: string, extra?: string) =>
    ctx.report({
      suite: 'layers-lstm',
      case: `${c.label} 32x60x5 + dense(1), Adam step, fused vs ${against}`,
      unit: 'ms',
      value: fused,
      peer: peerValue,
      peerName,
      higherIsBetter: false,
      ...((note ?? extra) ? { note: [note, extra].filter(Boolean).join('; ') } : {}),
    });
  row('op-by-op', median(times.op), 'tensorfold op-by-op');
  row('tfjs-layers', median(times.tfjs), c.sameWeights ? 'tfjs-layers' : 'tfjs-layers, reset-before GRU');
  row(
    'PyTorch',
    peer ? median(times.torch) : null,
    `PyTorch ${torch.version ?? ''} 1 thread`.replace('  ', ' '),
    peer ? undefined : torch.reason,
  );

  if (peer) {
    // CPU time (this process's, all threads, against the worker's): steadier than wall time on a
    // loaded machine, where either side may wait for a core.
    ctx.report({
      suite: 'layers-lstm',
      case: `${c.label} 32x60x5 + dense(1), Adam step, fused vs PyTorch, CPU time`,
      unit: 'ms',
      value: median(cpuTimes.fused),
      peer: median(cpuTimes.torch),
      peerName: `PyTorch ${torch.version} 1 thread`,
      higherIsBetter: false,
      ...(note ? { note } : {}),
    });
  }

  // Inference, fused against op-by-op.
  const infer = async () => {
    const out = ours[0]?.apply(x) as tf.Tensor;
    await out.data();
    out.dispose();
  };
  const inference = { fused: [] as number[], op: [] as number[] };
  await infer();
  await opByOp(ctx.backend, infer);
  for (let r = 0; r < rounds; r++) {
    inference.fused.push(await timed(infer));
    inference.op.push(await opByOp(ctx.backend, () => timed(infer)));
  }
  ctx.report({
    suite: 'layers-lstm',
    case: `${c.label} 32x60x5 inference, fused vs op-by-op`,
    unit: 'ms',
    value: median(inference.fused),
    peer: median(inference.op),
    peerName: 'tensorfold op-by-op',
    higherIsBetter: false,
    ...(note ? { note } : {}),
  });
  for (const layer of ours) layer.dispose();
  for (const layer of theirs) layer.dispose();
  tf.dispose([x, y]);
}

const suite: Suite = {
  name: 'layers-lstm',
  description:
    'LSTM(50), simpleRNN(50) and GRU(50) (both forms) training steps (32x60x5, Adam): fused kernels against op-by-op, tfjs-layers and PyTorch on one thread',
  backends: ['wasm', 'cpu', 'webgpu'],
  async run(ctx) {
    for (const c of cases) await runCase(ctx, c);
  },
};

export default suite;
