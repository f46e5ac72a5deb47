/**
 * Training throughput (samples/s) of the models-cnn builders, tensorfold against `@tensorflow/tfjs-layers`
 * training the very same network: each tensorfold model is saved in the TensorFlow.js layers format and loaded by
 * tfjs-layers (`loadLayersModel`), so both sides have the same layers, shapes and initial weights. Both use Adam
 * (1e-3) and categorical cross-entropy on a fixed random batch of 32, on the same backend in the same process;
 * the sides alternate in rounds and each reports its median round. On WASM tfjs-layers runs on the kernels
 * `@tensorfold/backend` registers (stock tfjs-wasm cannot train convnets: no Conv2DBackpropFilter).
 *
 * vggSmall and resnetSmall also train in PyTorch on the CPU with one thread (as tensorfold's WASM runs),
 * where `python3` imports torch: the same layers (`pytorch_training.py`), its rounds alternating with the
 * other two sides, and a second row gives tensorfold's ratio to it. `CNN_TRAINING_NETWORKS=vggsmall,resnetsmall`
 * measures only the networks whose labels start with those names (case-insensitive), for a short rerun.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { type Model, memoryIO, tf } from '@tensorfold/core';
import '@tensorfold/layers';
import { cifarCnn, mobileNetSmall, resnetSmall, stackedConvNet, vggSmall } from '@tensorfold/models-cnn';
import { adam } from '@tensorfold/optim';
import { type RoundRunner, runAlternating } from '../alternating-rounds.js';
import type { BenchContext, Suite } from '../harness.js';
import { findPyTorch, PyTorchPeer } from '../peers/pytorch.js';
import { medianOf as median } from '../steadiness.js';
import { timedCalls } from '../timed-call.js';

interface Network {
  label: string;
  build(): Model;
  /** The network's name in `pytorch_training.py`, where PyTorch trains it too. */
  torch?: string;
}

const NETWORKS: Network[] = [
  {
    label: 'stackedConvNet 3 blocks, 28x28x1',
    build: () => stackedConvNet({ blocks: 3, inputShape: [28, 28, 1], numClasses: 10, padding: 'same' }),
  },
  { label: 'cifarCnn, 32x32x3', build: () => cifarCnn({ dropout: 0 }) },
  { label: 'vggSmall (BN), 28x28x1', build: () => vggSmall({ dropout: 0 }), torch: 'vggsmall' },
  { label: 'resnetSmall, 28x28x1', build: () => resnetSmall(), torch: 'resnetsmall' },
  { label: 'mobileNetSmall, 28x28x1', build: () => mobileNetSmall({ dropout: 0 }) },
];

const BATCH = 32;

/** The networks `CNN_TRAINING_NETWORKS` (comma-separated label prefixes) picks; all when unset. */
function chosenNetworks(): Network[] {
  const wanted = (process.env.CNN_TRAINING_NETWORKS ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (wanted.length === 0) return NETWORKS;
  const chosen = NETWORKS.filter((n) => wanted.some((w) => n.label.toLowerCase().startsWith(w)));
  if (chosen.length === 0)
    throw new Error(
      `CNN_TRAINING_NETWORKS=${process.env.CNN_TRAINING_NETWORKS} names none of: ${NETWORKS.map((n) => n.label).join('; ')}.`,
    );
  return chosen;
}

const suite: Suite = {
  name: 'cnn-training',
  description: 'models-cnn builders: training samples/s, tensorfold vs tfjs-layers on the same saved network',
  backends: ['wasm', 'cpu'],
  async run(ctx: BenchContext) {
    const [rounds, steps] = ctx.quick ? [2, 2] : [5, 4];
    const networks = chosenNetworks();
    const torch = networks.some((n) => n.torch) ? findPyTorch() : null;
    if (torch && torch.python == null) console.log(`cnn-training: no PyTorch peer: ${torch.reason}.`);
    const peer = torch?.python ? new PyTorchPeer(torch.python) : null;
    try {
      for (const network of networks) await measureNetwork(ctx, network, rounds, steps, peer, torch?.version);
    } finally {
      peer?.close();
    }
  },
};

/** One network's rounds: tensorfold, tfjs-layers and (where it has a `torch` name) PyTorch, alternating. */
async function measureNetwork(
  ctx: BenchContext,
  network: Network,
  rounds: number,
  steps: number,
  peer: PyTorchPeer | null,
  torchVersion: string | null | undefined,
): Promise<void> {
  const ours = network.build();
  const io = memoryIO();
  await ours.save(io);
  const theirs = await tfl.loadLayersModel(tf.io.fromMemory(io.artifacts as tf.io.ModelArtifacts));
  const ourOptimizer = adam({ learningRate: 1e-3 });
  ours.compile({ optimizer: ourOptimizer, loss: 'categoricalCrossentropy' });
  const theirOptimizer = tf.train.adam(1e-3);
  theirs.compile({ optimizer: theirOptimizer, loss: 'categoricalCrossentropy' });
  const shape = ours.inputs[0].shape.slice(1) as number[];
  const x = tf.randomUniform([BATCH, ...shape], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
  // Each side runs `n` steps and answers their wall seconds.
  const timed = (step: () => Promise<unknown>) => async (n: number) =>
    (await timedCalls(n, step)).wall / 1000;
  const sides: Array<RoundRunner<number>> = [
    { round: timed(() => ours.trainOnBatch(x, y)) }, // tensorfold
    { round: timed(() => theirs.trainOnBatch(x, y)) }, // tfjs-layers
  ];
  const torchName = network.torch;
  if (peer && torchName) {
    await peer.round(torchName, 0, 1); // builds the network and warms it up (see pytorch_training.py)
    sides.push({ round: (n) => peer.round(torchName, n, 1) });
  }
  let rates: number[][];
  try {
    // A warm-up round of 2 steps each, then every round in the order given (not rotated), as these
    // figures have always been measured; samples/s per round.
    const { rounds: seconds } = await runAlternating(sides, {
      rounds,
      steps,
      warmupRounds: 1,
      warmupSteps: 2,
      rotate: false,
    });
    rates = seconds.map((side) => side.map((s) => (steps * BATCH) / s));
  } finally {
    ours.dispose();
    ourOptimizer.dispose();
    theirs.dispose();
    theirOptimizer.dispose();
    tf.dispose([x, y]);
  }
  ctx.report({
    suite: 'cnn-training',
    case: `${network.label}, Adam, batch ${BATCH}`,
    unit: 'samples/s',
    value: median(rates[0]),
    peer: median(rates[1]),
    peerName: `tfjs-layers on ${ctx.backend === 'wasm' ? "@tensorfold/backend's wasm kernels" : ctx.backend}`,
    higherIsBetter: true,
  });
  if (rates[2])
    ctx.report({
      suite: 'cnn-training',
      case: `${network.label}, Adam, batch ${BATCH}`,
      unit: 'samples/s',
      value: median(rates[0]),
      peer: median(rates[2]),
      peerName: `PyTorch ${torchVersion} CPU, 1 thread`,
      higherIsBetter: true,
    });
}

export default suite;
