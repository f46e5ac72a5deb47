import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../engine/model.js';
import { TrainingError } from '../errors.js';
import type { ModelBatch } from './data-adapter.js';
import { computeLosses } from './losses.js';

/** Thrown by a training step whose loss is NaN or infinite, before any weight changes. */
export class NonFiniteLossError extends TrainingError {
  constructor(
    readonly value: number,
    context = '',
  ) {
    super(
      `The training loss became ${value}${context}; this batch's update was not applied, so the weights are those of the last good step. ` +
        'Lower the learning rate, check the inputs and targets for NaN or Infinity, normalize the inputs, or clip gradients (clipNorm).',
    );
  }
}

let lossOnHost = true;

/**
 * Lets the default training step add its loss to the epoch's mean as the number it already read
 * (`true`, the default: no kernel call; `trainOnBatch` then reads nothing else from the device for a
 * model with one output, no regularization penalty and no compiled metric) or as a scalar on the
 * device (`false`, as before: three scalar kernels a step), for same-process A/B benchmarks. A single
 * batch's loss is the same float32 number either way; an epoch's mean differs in its last bits only
 * (summed in float64, then rounded to float32, instead of summed in float32).
 */
export function setStepLossOnHost(on: boolean): void {
  lossOnHost = on;
}

/** Values a custom training step may return; `fit` averages them over the epoch and logs them. */
export type StepLogs = Record<string, tf.Scalar | number>;

/**
 * The default training step of a compiled model: forward pass in training mode, loss (plus
 * regularization penalties), gradients of the trainable weights, a NaN/Infinity check, the optimizer
 * update, weight constraints, and the metric updates. Nothing is left allocated.
 */
export async function defaultTrainStep(model: Model, batch: ModelBatch): Promise<undefined> {
  const compiled = model.requireCompiled('fit');
  const weights = model.trainableWeights;
  const variables = weights.map((w) => w.variable);
  let kept: { outputs: tf.Tensor[]; perOutput: tf.Scalar[]; penalty: tf.Scalar | null } | null = null;

  const lossFn = (): tf.Scalar => {
    const penalties: tf.Scalar[] = [];
    const outputs = model.forward(batch.xs, { training: true, losses: penalties });
    const { total, perOutput } = computeLosses(
      compiled,
      model.outputNames,
      batch.ys,
      outputs,
      batch.sampleWeight,
    );
    penalties.push(...model.regularizationLosses());
    const penalty = penalties.length > 0 ? (tf.addN(penalties) as tf.Scalar) : null;
    kept = {
      outputs: outputs.map((o) => tf.keep(o)),
      perOutput: perOutput.map((p) => tf.keep(p)),
      penalty: penalty && tf.keep(penalty),
    };
    return penalty ? (tf.add(total, penalty) as tf.Scalar) : total;
  };

  const { value, grads } = tf.tidy(() => {
    if (variables.length === 0) return { value: lossFn(), grads: {} as tf.NamedTensorMap };
    return tf.variableGrads(lossFn, variables);
  });
  const captured = kept as unknown as {
    outputs: tf.Tensor[];
    perOutput: tf.Scalar[];
    penalty: tf.Scalar | null;
  };
  const release = () =>
    tf.dispose([
      value,
      ...Object.values(grads),
      ...captured.outputs,
      ...captured.perOutput,
      ...(captured.penalty ? [captured.penalty] : []),
    ]);

  const lossValue = (await value.data())[0];
  if (!Number.isFinite(lossValue)) {
    release();
    throw new NonFiniteLossError(lossValue);
  }
  const pairs = weights
    .filter((w) => grads[w.variable.name])
    .map((w) => ({ variable: w.variable, gradient: grads[w.variable.name] }));
  if (pairs.length > 0) compiled.optimizer.applyGradients(pairs);
  for (const w of weights) w.applyConstraint();

  const state = model.metricsState;
  tf.tidy(() => {
    if (lossOnHost) state.loss.updateKnown(lossValue, batch.size);
    else state.loss.update(value, batch.size);
    for (const [i, p] of captured.perOutput.entries()) state.outputLosses[i]?.update(p, batch.size);
    if (captured.penalty) state.updateRegularization(captured.penalty, batch.size);
    for (const m of compiled.metrics)
      m.metric.update(batch.ys[m.outputIndex], captured.outputs[m.outputIndex], batch.sampleWeight);
  });
  release();
}

/** The default evaluation step: forward pass in inference mode, losses without penalties, metrics. */
export function defaultTestStep(model: Model, batch: ModelBatch): void {
  const compiled = model.requireCompiled('evaluate');
  const state = model.metricsState;
  tf.tidy(() => {
    const outputs = model.forward(batch.xs, { training: false });
    const { total, perOutput } = computeLosses(
      compiled,
      model.outputNames,
      batch.ys,
      outputs,
      batch.sampleWeight,
    );
    state.loss.update(total, batch.size);
    for (const [i, p] of perOutput.entries()) state.outputLosses[i]?.update(p, batch.size);
    for (const m of compiled.metrics)
      m.metric.update(batch.ys[m.outputIndex], outputs[m.outputIndex], batch.sampleWeight);
  });
}
