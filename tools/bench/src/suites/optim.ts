/**
 * Time of one optimizer update (applying precomputed gradients to every variable of a model) for
 * tensorfold's optimizers against tfjs-core's (`tf.train.*`) in the same run, on the variables of
 * the MLP 784-512-256-10 and of LeNet-5. Two tensorfold figures per case: the fused kernels (the
 * default: one kernel per variable; WebAssembly SIMD on WASM, one shader per output on WebGPU, a
 * JavaScript loop on CPU) and the tensor-op form (`setFusedUpdates(false)`), to show what fusion
 * buys. The three contenders run in alternating rounds, so that load from other processes falls on
 * all of them alike; each figure is the median over rounds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adam, type OptimizerBase, rmsprop, setFusedUpdates, sgd } from '@tensorfold/optim';
import { runAlternating } from '../alternating-rounds.js';
import type { BenchContext, Suite } from '../harness.js';
import { medianOf as median } from '../steadiness.js';
import { timedMs } from '../timed-call.js';

const models: Array<{ name: string; shapes: number[][] }> = [
  { name: 'MLP 784-512-256-10', shapes: [[784, 512], [512], [512, 256], [256], [256, 10], [10]] },
  {
    name: 'LeNet-5',
    shapes: [[3, 3, 1, 8], [8], [5, 5, 8, 16], [16], [400, 120], [120], [120, 84], [84], [84, 10], [10]],
  },
];

const optimizers: Array<{
  name: string;
  ours: () => OptimizerBase;
  peer: () => tf.Optimizer;
  peerName: string;
}> = [
  {
    name: 'Adam',
    ours: () => adam({ learningRate: 1e-3 }),
    peer: () => tf.train.adam(1e-3),
    peerName: 'tf.train.adam',
  },
  {
    name: 'SGD momentum 0.9',
    ours: () => sgd({ learningRate: 0.01, momentum: 0.9 }),
    peer: () => tf.train.momentum(0.01, 0.9),
    peerName: 'tf.train.momentum',
  },
  {
    name: 'RMSprop',
    ours: () => rmsprop({ learningRate: 1e-3 }),
    peer: () => tf.train.rmsprop(1e-3, 0.9),
    peerName: 'tf.train.rmsprop',
  },
];

type Step = (variables: tf.Variable[], gradients: tf.Tensor[]) => void;

/** Milliseconds per update over `steps` updates, waiting for the device at the end. */
async function timeSteps(
  step: Step,
  variables: tf.Variable[],
  gradients: tf.Tensor[],
  steps: number,
): Promise<number> {
  const { wall } = await timedMs(async () => {
    for (let i = 0; i < steps; i++) step(variables, gradients);
    await variables[variables.length - 1].data(); // the last update queued; its data waits for all
  });
  return wall / steps;
}

const suite: Suite = {
  name: 'optim',
  description:
    'optimizer update time per step: tensorfold (fused and tensor-op forms) vs tf.train in the same run',
  async run(ctx: BenchContext) {
    const rounds = ctx.quick ? 3 : 9;
    const steps = ctx.quick ? 3 : 10;
    for (const model of models) {
      const params = model.shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
      for (const o of optimizers) {
        const peerOptimizer = o.peer();
        const fused = o.ours();
        const unfused = o.ours();
        const contenders: Array<[string, Step]> = [
          [
            'peer',
            (vs, gs) => peerOptimizer.applyGradients(vs.map((v, i) => ({ name: v.name, tensor: gs[i] }))),
          ],
          [
            'fused',
            (vs, gs) => fused.applyGradients(vs.map((variable, i) => ({ variable, gradient: gs[i] }))),
          ],
          [
            'tensor ops',
            (vs, gs) => unfused.applyGradients(vs.map((variable, i) => ({ variable, gradient: gs[i] }))),
          ],
        ];
        const variables = model.shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.1, 'float32', i)));
        const gradients = model.shapes.map((s, i) => tf.randomNormal(s, 0, 0.01, 'float32', 100 + i));
        const sides = contenders.map(([name, step]) => ({
          round(n: number) {
            setFusedUpdates(name !== 'tensor ops');
            return timeSteps(step, variables, gradients, n);
          },
        }));
        // One untimed round warms up (shader compilation, slots); every round runs the contenders in
        // the order given (peer, fused, tensor ops), as these figures have always been measured.
        const times = await runAlternating(sides, { rounds, steps, warmupRounds: 1, rotate: false }).finally(
          () => setFusedUpdates(true),
        );
        const [peerTimes, ...ourTimes] = times.rounds;
        tf.dispose([...variables, ...gradients]);
        for (const opt of [peerOptimizer, fused, unfused]) opt.dispose();
        for (const [i, name] of ['fused', 'tensor ops'].entries()) {
          ctx.report({
            suite: 'optim',
            case: `${o.name} update, ${model.name} (${model.shapes.length} variables, ${params} params)${name === 'fused' ? '' : ', tensor-op form'}`,
            unit: 'ms/step',
            value: median(ourTimes[i]),
            peer: median(peerTimes),
            peerName: o.peerName,
            higherIsBetter: false,
          });
        }
      }
    }
  },
};

export default suite;
