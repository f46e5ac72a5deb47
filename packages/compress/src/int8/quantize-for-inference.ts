/**
 * `quantizeForInference`: a copy of a trained sequential model whose Dense and Conv2D layers compute
 * in integers (int8 weights, int8 activations quantized on the fly, int32 sums).
 */
import { ConfigError, create, type Layer, type Model, type SerializedObject, tf } from '@tensorfold/core';
import { chainSpecs } from './chain-dense.js';
import { int8Weights } from './int8-levels.js';
// registers Int8DenseStack, which `create` builds by name
import './int8-dense-stack.js';

/** Options of {@link quantizeForInference}. */
export interface QuantizeForInferenceOptions {
  /**
   * Names of the layers to replace. Default: every Dense layer and every Conv2D layer that the int8
   * convolution covers (channels last, no dilation); the others stay float.
   */
  layers?: string[];
  /**
   * Layers not named in `layers` whose outputs each sum fewer inputs than this (a Dense's input
   * size, a Conv2D's kernel height x width x input channels) stay float32: quantizing their inputs
   * costs about as much as their product, and the float kernels are faster there (LeNet-5's first
   * convolution, 9 inputs: 0.74x on WASM, BENCHMARKS.md). Except a Conv2D whose 2 x 2 max pool folds
   * in (`fold`): it is replaced however few its inputs, the fused pool saving a float pass (whole
   * LeNet-5 passes on WASM, same runs: int8 runs 1.45-1.79x faster, float32's CPU time over int8's,
   * with its first convolution int8 and pooled, 1.21-1.55x with it float, BENCHMARKS.md, branch
   * wip/int8-conv). Default 32.
   */
  minInputs?: number;
  /**
   * Fold a BatchNormalization over the channels right after a replaced layer (with a linear
   * activation) into the int8 layer's scales and bias, and a ReLU `Activation` after them into its
   * kernel: the model loses two float passes over the activations, and computes the same (to float
   * rounding). Likewise a MaxPooling2D of 2 x 2 windows, stride 2, `'valid'` padding, channels last,
   * right after a replaced Conv2D (after what was folded into it): it becomes the `Int8Conv2D`'s
   * `maxPool`, fused into the convolution on WASM (the same numbers: a max is exact). Default `true`.
   */
  fold?: boolean;
  /**
   * Run consecutive int8 Dense layers (each but the last with a ReLU or linear activation, nothing but
   * Dropout layers between them) as one `Int8DenseStack`: one kernel call for the run, whose
   * activations between layers stay in the kernel's memory on WASM (elsewhere one call a layer). The
   * same numbers as the separate `Int8Dense` layers; the Dropout layers between them (identity in
   * inference) are left out. Default `true`.
   */
  chain?: boolean;
}

/** One layer of the rebuilt model: its spec, the original layer it comes from, what was folded into it. */
interface Step {
  spec: SerializedObject;
  source: number;
  int8: boolean;
  batchNorm?: number;
}

/** Whether `spec` is a BatchNormalization over the last axis of a `rank`-dimensional output. */
function channelNorm(spec: SerializedObject | undefined, rank: number): boolean {
  if (spec?.className !== 'BatchNormalization') return false;
  const axis = (spec.config as { axis?: number }).axis ?? -1;
  return axis === -1 || axis === rank - 1;
}

/** Whether `spec` is a MaxPooling2D that an Int8Conv2D's `maxPool` computes (2 x 2, stride 2, valid, channels last). */
function maxPool2x2(spec: SerializedObject | undefined): boolean {
  if (spec?.className !== 'MaxPooling2D') return false;
  const c = spec.config as Record<string, unknown>;
  const pair = (v: unknown) => (Array.isArray(v) ? (v.length === 1 ? [v[0], v[0]] : v) : [v, v]);
  const size = pair(c.poolSize ?? 2);
  const strides = c.strides == null ? size : pair(c.strides);
  return (
    [...size, ...strides].every((d) => d === 2) &&
    (c.padding ?? 'valid') === 'valid' &&
    (c.dataFormat ?? 'channelsLast') === 'channelsLast'
  );
}

/** Whether a foldable 2 x 2 max pool follows layer `i` (after a batch norm and a ReLU that fold in). */
function poolFollows(specs: SerializedObject[], i: number): boolean {
  let next = i + 1;
  const linear = ((specs[i].config as { activation?: unknown }).activation ?? 'linear') === 'linear';
  if (linear && channelNorm(specs[next], 4)) {
    next++;
    const act = specs[next];
    if (act?.className === 'Activation' && (act.config as { activation?: unknown }).activation === 'relu')
      next++;
  }
  return maxPool2x2(specs[next]);
}

/** The steps of the rebuilt model: int8 layers with what follows them folded in where `fold`. */
function plan(specs: SerializedObject[], replaced: Array<SerializedObject | null>, fold: boolean): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < specs.length; i++) {
    const int8 = replaced[i];
    if (!int8) {
      steps.push({ spec: specs[i], source: i, int8: false });
      continue;
    }
    const config = { ...(int8.config as Record<string, unknown>) };
    const step: Step = { spec: { className: int8.className, config }, source: i, int8: true };
    const linear = (config.activation ?? 'linear') === 'linear';
    if (fold && linear && channelNorm(specs[i + 1], int8.className === 'Int8Conv2D' ? 4 : 2)) {
      step.batchNorm = ++i;
      config.useBias = true;
      const next = specs[i + 1];
      if (
        next?.className === 'Activation' &&
        (next.config as { activation?: unknown }).activation === 'relu'
      ) {
        config.activation = 'relu';
        i++;
      }
    }
    if (fold && int8.className === 'Int8Conv2D' && maxPool2x2(specs[i + 1])) {
      config.maxPool = true;
      i++;
    }
    steps.push(step);
  }
  return steps;
}

/** `[scales * g, (bias - mean) * g + beta]` with `g = gamma / sqrt(variance + epsilon)`: a batch norm folded in. */
function foldBatchNorm(norm: Layer, scales: tf.Tensor, bias: tf.Tensor): tf.Tensor[] {
  const { center, scale, epsilon } = norm.getConfig() as { center: boolean; scale: boolean; epsilon: number };
  const weights = norm.getWeights();
  try {
    return tf.tidy(() => {
      let at = 0;
      const gamma = scale ? weights[at++] : tf.onesLike(scales);
      const beta = center ? weights[at++] : tf.zerosLike(scales);
      const [mean, variance] = [weights[at], weights[at + 1]];
      const g = tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon))); // [channels]
      return [tf.mul(scales, g), tf.add(tf.mul(tf.sub(bias, mean), g), beta)];
    });
  } finally {
    tf.dispose(weights);
  }
}

/** Why a Conv2D (config) cannot become an Int8Conv2D, or null when it can. */
function convProblem(config: Record<string, unknown>): string | null {
  if ((config.dataFormat ?? 'channelsLast') !== 'channelsLast') return 'it is channels-first';
  const dilation = config.dilationRate;
  if ((Array.isArray(dilation) ? dilation : [dilation ?? 1]).some((d) => d !== 1)) return 'it is dilated';
  if (config.padding !== 'valid' && config.padding !== 'same')
    return `its padding is ${String(config.padding)}`;
  return null;
}

/** The spec of the int8 layer that replaces `spec`, or a reason why it cannot. */
function replacement(spec: SerializedObject): SerializedObject | string {
  const c = spec.config as Record<string, unknown>;
  const common = {
    name: c.name,
    activation: c.activation,
    useBias: c.useBias,
    ...(c.batchInputShape ? { batchInputShape: c.batchInputShape } : {}),
  };
  if (spec.className === 'Dense') return { className: 'Int8Dense', config: { ...common, units: c.units } };
  if (spec.className === 'Conv2D') {
    const problem = convProblem(c);
    if (problem) return `Int8Conv2D does not cover it: ${problem}`;
    return {
      className: 'Int8Conv2D',
      config: {
        ...common,
        filters: c.filters,
        kernelSize: c.kernelSize,
        strides: c.strides,
        padding: c.padding,
      },
    };
  }
  return `it is a ${spec.className}; only Dense and Conv2D layers have int8 forms`;
}

/** How many inputs each output of a Dense or Conv2D sums: its kernel's size over its last axis. */
function inputsPerOutput(layer: Layer): number {
  const weights = layer.getWeights();
  const kernel = weights[0];
  const inputs = kernel ? kernel.size / kernel.shape[kernel.rank - 1] : 0;
  tf.dispose(weights);
  return inputs;
}

/**
 * A copy of a sequential model for integer inference: each Dense becomes an `Int8Dense` and each
 * Conv2D an `Int8Conv2D` (per-output-channel int8 weights, as `quantizeModel(..., {dtype: 'int8'})`
 * stores them; activations quantized per row or per image as they arrive; int32 sums), on the
 * kernels `@tensorfold/backend` registers for WASM (SIMD), WebGPU and CPU, and tensor ops elsewhere.
 * A batch norm and a ReLU right after an int8 layer are folded into it (`fold`); the other layers
 * (pooling, activations, softmax) stay float, and so do layers with fewer than `minInputs` inputs
 * per output unless named (or pooled: see `minInputs`). Consecutive int8 Dense layers become one `Int8DenseStack` (`chain`). The copy is for inference:
 * its int8 layers do not train.
 *
 * @throws ConfigError for a functional model, an unbuilt one, or a layer in `options.layers` that is
 *   missing or has no int8 form (the message says why).
 */
export function quantizeForInference(model: Model, options: QuantizeForInferenceOptions = {}): Model {
  if (model.className !== 'Sequential')
    throw new ConfigError(
      `quantizeForInference rebuilds sequential models; "${model.name}" is a ${model.className}.`,
    );
  const config = model.getConfig() as { name: string; layers: SerializedObject[] };
  const wanted = options.layers;
  for (const name of wanted ?? []) {
    const spec = config.layers.find((s) => (s.config as { name?: string }).name === name);
    if (!spec)
      throw new ConfigError(
        `quantizeForInference: the model has no layer "${name}"; its layers: ${config.layers.map((s) => (s.config as { name: string }).name).join(', ')}.`,
      );
    const r = replacement(spec);
    if (typeof r === 'string') throw new ConfigError(`quantizeForInference cannot replace "${name}": ${r}.`);
  }
  const minInputs = options.minInputs ?? 32;
  if (!Number.isFinite(minInputs) || minInputs < 0)
    throw new ConfigError(`quantizeForInference: minInputs must be a number >= 0, got ${minInputs}.`);
  const replaced = config.layers.map((spec, i) => {
    if (wanted && !wanted.includes((spec.config as { name: string }).name)) return null;
    const r = replacement(spec);
    if (typeof r === 'string') return null;
    // a Conv2D whose 2 x 2 max pool folds in stays int8 however few its inputs (the fused pool saves more)
    const pooled = (options.fold ?? true) && r.className === 'Int8Conv2D' && poolFollows(config.layers, i);
    if (!wanted && !pooled && inputsPerOutput(model.layers[i]) < minInputs) return null;
    return r;
  });
  const steps = plan(config.layers, replaced, options.fold ?? true);
  // the model is built once: the runs of int8 Dense layers are stacks in the specs already
  const { specs, sources } =
    options.chain === false
      ? { specs: steps.map((step) => step.spec), sources: steps.map((_, i) => [i]) }
      : chainSpecs(steps.map((step) => step.spec));
  const rebuilt = create<Model>('layer', {
    className: 'Sequential',
    config: { name: config.name, layers: specs },
  });
  rebuilt.layers.forEach((layer: Layer, i: number) => {
    if (!layer.built) {
      rebuilt.dispose();
      throw new ConfigError(
        `quantizeForInference needs a built model ("${model.name}" has no input shape yet): give its first layer an inputShape or call model.build([null, ...shape]).`,
      );
    }
    const values = sources[i].flatMap((s) => stepWeights(model, steps[s]));
    layer.setWeights(values);
    tf.dispose(values);
  });
  return rebuilt;
}

/**
 * The weights of one step of the rebuilt model: the original layer's, or for an int8 layer its
 * packed levels, scales and bias (where it has one), with a batch norm folded in.
 */
function stepWeights(model: Model, step: Step): tf.Tensor[] {
  const values = model.layers[step.source].getWeights();
  if (!step.int8) return values;
  const [kernel, floatBias] = values;
  const { packed, scales } = int8Weights(kernel);
  const useBias = (step.spec.config as { useBias?: boolean }).useBias ?? true;
  const bias = floatBias ?? tf.zeros([scales.shape[0]]); // [outputs]
  kernel.dispose();
  if (step.batchNorm == null) {
    if (useBias) return [packed, scales, bias];
    bias.dispose();
    return [packed, scales];
  }
  const folded = foldBatchNorm(model.layers[step.batchNorm], scales, bias);
  tf.dispose([scales, bias]);
  return [packed, ...folded];
}
