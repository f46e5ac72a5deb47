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
import { type RoundRunner, runAlternating } from '../alternating-rounds.js';
import type { BenchContext, Suite } from '../harness.js';
import { findPyTorch, PyTorchPeer } from '../peers/pytorch.js';
import { medianOf as median, type RoundTime } from '../steadiness.js';
import { timedCalls } from '../timed-call.js';

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
  // A round of a side: wall and CPU milliseconds per step (this process's CPU time, all threads).
  const perStep = async (step: Side, n: number): Promise<RoundTime> => {
    const { wall, cpu } = await timedCalls(n, step);
    return { wall: wall / n, cpu: cpu / n };
  };
  const sides: Array<RoundRunner<RoundTime | null>> = [
    { round: (n) => perStep(fusedStep, n) },
    { round: (n) => opByOp(ctx.backend, () => perStep(opStep, n)) },
    { round: (n) => perStep(tfjsStep, n) },
    {
      // PyTorch, the worker's wall and CPU time; without a peer its slot stays in the rotation (and
      // does nothing), so the other sides run in the order they always did.
      async round(n) {
        if (!peer) return null;
        const round = await peer.timedRound(c.torch, n, 1);
        return { wall: (round.wall * 1000) / n, cpu: (round.cpu * 1000) / n };
      },
    },
  ];
  let times: Array<Array<RoundTime | null>>;
  try {
    // Warm-up: each of our two sides and tfjs-layers twice, one step at a time in the order given
    // (builds the optimizers' slots and the kernels' caches), then PyTorch one step.
    for (let i = 0; i < 2; i++) for (const side of sides.slice(0, 3)) await side.round(1);
    if (peer) await peer.round(c.torch, 1, 1);
    // Then rotated rounds (runAlternating), so no side always runs first after another's garbage.
    ({ rounds: times } = await runAlternating(sides, { rounds, steps, warmupRounds: 0 }));
  } finally {
    peer?.close();
  }
  const [fusedTimes, opTimes, tfjsTimes, torchTimes] = times.map((side) =>
    side.filter((t): t is RoundTime => t != null),
  );
  const wallOf = (side: RoundTime[]) => median(side.map((t) => t.wall));
  const cpuOf = (side: RoundTime[]) => median(side.map((t) => t.cpu));
  const fused = wallOf(fusedTimes);
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
  row('op-by-op', wallOf(opTimes), 'tensorfold op-by-op');
  row('tfjs-layers', wallOf(tfjsTimes), c.sameWeights ? 'tfjs-layers' : 'tfjs-layers, reset-before GRU');
  row(
    'PyTorch',
    peer ? wallOf(torchTimes) : null,
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
      value: cpuOf(fusedTimes),
      peer: cpuOf(torchTimes),
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
  // One untimed call of each, then every round fused then op-by-op (in that order, not rotated), as
  // these figures have always been measured.
  const {
    rounds: [inferFused, inferOp],
  } = await runAlternating(
    [
      { round: (n: number) => perStep(infer, n) },
      { round: (n: number) => opByOp(ctx.backend, () => perStep(infer, n)) },
    ],
    { rounds, steps, warmupRounds: 1, warmupSteps: 1, rotate: false },
  );
  ctx.report({
    suite: 'layers-lstm',
    case: `${c.label} 32x60x5 inference, fused vs op-by-op`,
    unit: 'ms',
    value: wallOf(inferFused),
    peer: wallOf(inferOp),
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
