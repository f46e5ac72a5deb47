import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import type { Loss, LossFunction } from '../interfaces/loss.js';
import type { Metric, MetricSpec } from '../interfaces/metric.js';
import type { Optimizer } from '../interfaces/optimizer.js';
import { create, normalizeName, resolve, type SerializedObject } from '../registry.js';

/** A loss by name (`'categoricalCrossentropy'`), as an object, or as a function. */
export type LossSpec = string | Loss | LossFunction;

/** Options of `model.compile`. */
export interface CompileArgs {
  /** Optimizer instance or name (`'adam'`, `'sgd'`; names need `@tensorfold/optim` imported). */
  optimizer: Optimizer | string | SerializedObject;
  /** One loss for every output, one per output (array), or a map by output name. */
  loss: LossSpec | LossSpec[] | Record<string, LossSpec>;
  /**
   * Metrics to track. `'accuracy'` (or `'acc'`) picks binary, categorical or sparse categorical
   * accuracy to match the loss, as Keras does. A map by output name sets metrics per output.
   */
  metrics?: MetricSpec[] | Record<string, MetricSpec[]>;
  /** Weights of the outputs' losses in the total loss. Default: 1 each. */
  lossWeights?: number[] | Record<string, number>;
}

/** One resolved loss of one output. */
export interface OutputLoss {
  name: string;
  weight: number;
  /** Per-sample losses. */
  fn: LossFunction;
  /** The loss object's {@link Loss.batchMean}, where it has one: the batch's mean in one op, or null. */
  batchMean?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor | null;
  /** What to save in the training config (a name or serialized object). */
  spec: string | SerializedObject | null;
}

/** One metric of one output, with the key it is logged under. */
export interface OutputMetric {
  key: string;
  metric: Metric;
  outputIndex: number;
}

/** What `compile` set up. */
export interface CompiledState {
  optimizer: Optimizer;
  losses: OutputLoss[];
  metrics: OutputMetric[];
  args: CompileArgs;
}

/**
 * Resolves `compile`'s arguments for a model with the given output names (and, when known, output
 * shapes, which decide what `'accuracy'` means for an output of one unit).
 */
export function resolveCompileArgs(
  args: CompileArgs,
  outputNames: string[],
  outputShapes: Array<Array<number | null>> = [],
): CompiledState {
  if (args == null || args.optimizer == null) {
    throw new ConfigError(
      "compile() needs an optimizer, e.g. compile({optimizer: 'adam', loss: 'meanSquaredError'}).",
    );
  }
  if (args.loss == null) {
    throw new ConfigError("compile() needs a loss, e.g. loss: 'categoricalCrossentropy' for one-hot labels.");
  }
  const optimizer = resolve<Optimizer>('optimizer', args.optimizer) as Optimizer;
  const lossSpecs = perOutput(
    args.loss,
    outputNames,
    'loss',
    (v) => typeof v === 'string' || typeof v === 'function' || isLoss(v),
  );
  const weights = perOutput(args.lossWeights ?? 1, outputNames, 'lossWeights', (v) => typeof v === 'number');
  const losses = lossSpecs.map((spec, i) => resolveLoss(spec as LossSpec, weights[i] as number));
  const metrics: OutputMetric[] = [];
  const metricLists =
    args.metrics == null ? outputNames.map(() => []) : perOutputMetrics(args.metrics, outputNames);
  metricLists.forEach((list, outputIndex) => {
    for (const spec of list) {
      const units = outputShapes[outputIndex]?.at(-1) ?? null;
      const metric = resolveMetric(spec, losses[outputIndex], outputNames.length, units);
      const key = outputNames.length > 1 ? `${outputNames[outputIndex]}_${metric.name}` : metric.name;
      if (metrics.some((m) => m.key === key)) {
        throw new ConfigError(`Metric "${key}" is listed twice; give one of them another name.`);
      }
      metrics.push({ key, metric, outputIndex });
    }
  });
  return { optimizer, losses, metrics, args };
}

function isLoss(v: unknown): v is Loss {
  return typeof v === 'object' && v !== null && typeof (v as Loss).call === 'function';
}

function resolveLoss(spec: LossSpec, weight: number): OutputLoss {
  if (typeof spec === 'function') {
    return { name: spec.name || 'loss', weight, fn: spec, spec: spec.name || null };
  }
  const loss = typeof spec === 'string' ? create<Loss>('loss', spec) : spec;
  const fn: LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => loss.call(yTrue, yPred);
  const saved =
    typeof spec === 'string'
      ? spec
      : loss.className && loss.getConfig
        ? { className: loss.className, config: loss.getConfig() }
        : loss.name;
  const batchMean = loss.batchMean?.bind(loss);
  return { name: loss.name, weight, fn, batchMean, spec: saved };
}

const accuracyAliases = new Set(['accuracy', 'acc']);

function resolveMetric(spec: MetricSpec, loss: OutputLoss, outputs: number, units: number | null): Metric {
  if (typeof spec === 'function') return spec();
  if (typeof spec !== 'string') {
    if (outputs > 1) {
      throw new ConfigError(
        `Metric object "${spec.name}" would be shared by ${outputs} outputs; pass a name or a factory (() => new Metric()) instead.`,
      );
    }
    return spec;
  }
  let className = spec;
  if (accuracyAliases.has(spec.toLowerCase())) {
    const lossName = normalizeName(loss.name);
    // As Keras decides: sparse losses compare class ids, one output unit or a binary loss means
    // binary accuracy, anything else one-hot categorical accuracy.
    className = lossName.includes('sparse')
      ? 'sparseCategoricalAccuracy'
      : units === 1 || lossName.includes('binary') || lossName.includes('hinge')
        ? 'binaryAccuracy'
        : 'categoricalAccuracy';
  }
  return create<Metric>('metric', className, { name: spec });
}

function perOutput<T>(
  value: T | T[] | Record<string, T>,
  names: string[],
  what: string,
  isItem: (v: unknown) => boolean,
): T[] {
  if (isItem(value)) return names.map(() => value as T);
  if (Array.isArray(value)) {
    if (value.length !== names.length) {
      throw new ConfigError(
        `${what} has ${value.length} entries but the model has ${names.length} outputs (${names.join(', ')}).`,
      );
    }
    return value;
  }
  const map = value as Record<string, T>;
  for (const key of Object.keys(map)) {
    if (!names.includes(key))
      throw new ConfigError(`${what} names output "${key}", but the outputs are ${names.join(', ')}.`);
  }
  return names.map((n) => {
    if (!(n in map)) throw new ConfigError(`${what} has no entry for output "${n}".`);
    return map[n];
  });
}

function perOutputMetrics(
  value: MetricSpec[] | Record<string, MetricSpec[]>,
  names: string[],
): MetricSpec[][] {
  if (Array.isArray(value)) return names.map(() => value);
  for (const key of Object.keys(value)) {
    if (!names.includes(key))
      throw new ConfigError(`metrics names output "${key}", but the outputs are ${names.join(', ')}.`);
  }
  return names.map((n) => value[n] ?? []);
}
