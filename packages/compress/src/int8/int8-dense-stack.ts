/**
 * `Int8DenseStack`: consecutive `Int8Dense` layers as one layer, run by one call of the int8 dense
 * chain kernel (see int8-ops.ts `int8DenseChain`), so that the activations between them stay in the
 * kernel's memory. `quantizeForInference` builds it from runs of Int8Dense layers.
 */
import {
  type Activation,
  ConfigError,
  Layer,
  type LayerArgs,
  type LayerInputs,
  type LayerWeight,
  register,
  type SerializedObject,
  type Shape,
  tf,
} from '@tensorfold/core';
import { getActivation, initializers, serializeActivation } from '@tensorfold/layers';
import { fusedInt8, lastAxis } from './int8-dense.js';
import { type Int8ChainLayer, int8DenseChain } from './int8-ops.js';

/** Options of {@link Int8DenseStack}: one entry per layer, first layer first. */
export interface Int8DenseStackArgs extends LayerArgs {
  /** Output units of each layer. */
  units: number[];
  /**
   * Each layer's activation. Every one but the last must be `'relu'` or `'linear'` (the kernel applies
   * them between layers); the last may be any, applied after the kernel. Default `'linear'` each.
   */
  activations?: Array<string | SerializedObject>;
  /** Whether each layer adds a bias (float32). Default `true` each. */
  useBias?: boolean[];
  /** The names of the layers it stands for (reported, e.g. by `tensorfold evaluate`). Default none. */
  layerNames?: string[];
}

/**
 * Dense layers computed in integers, one after another, in one kernel call: layer `i` computes
 * `act_i(q(y_{i-1}) . W_i * scales_i + bias_i)` as `Int8Dense` does, its output quantized per row for
 * the next. For inference only.
 *
 * Input shape: `[batch, ..., inputDim]`. Output shape: `[batch, ..., units[last]]`.
 * Weights, per layer `i`: `kernel_i` int32 `[ceil(units_i / 8), ceil(inputs_i / 2), 8]` (packed int8
 * levels, as `Int8Dense`'s `kernel`), `scales_i [units_i]`, and `bias_i [units_i]` where it has one.
 */
export class Int8DenseStack extends Layer {
  static override readonly className = 'Int8DenseStack';
  readonly units: number[];
  readonly activations: Activation[];
  readonly useBias: boolean[];
  readonly layerNames: string[];
  /** Each layer's weights, set by `build` (all at once: a second build throws before it changes them). */
  private weightsOf: Array<{ kernel: LayerWeight; scales: LayerWeight; bias: LayerWeight | null }> = [];

  constructor(args: Int8DenseStackArgs) {
    super(args);
    const { units } = args;
    if (!Array.isArray(units) || units.length === 0 || units.some((u) => !Number.isInteger(u) || u < 1))
      throw new ConfigError(
        `Int8DenseStack needs units, a non-empty list of positive integers (one per layer); got ${JSON.stringify(units)}.`,
      );
    const count = units.length;
    for (const [name, list] of [
      ['activations', args.activations],
      ['useBias', args.useBias],
    ] as const)
      if (list != null && list.length !== count)
        throw new ConfigError(
          `Int8DenseStack: ${name} needs one entry per layer (${count}), got ${list.length}.`,
        );
    this.units = [...units];
    this.activations = units.map((_, i) => getActivation(args.activations?.[i]));
    this.activations.slice(0, -1).forEach((a, i) => {
      if (fusedInt8(a) == null)
        throw new ConfigError(
          `Int8DenseStack: layer ${i} has activation ${JSON.stringify(serializeActivation(a))}; every layer but the last must be 'relu' or 'linear' (the kernel applies them). Keep such a layer as its own Int8Dense.`,
        );
    });
    this.useBias = units.map((_, i) => args.useBias?.[i] ?? true);
    this.layerNames = [...(args.layerNames ?? [])];
    this.trainable = false;
  }

  override build(inputShape: Shape | Shape[]): void {
    const inputDim = lastAxis(inputShape, `Int8DenseStack "${this.name}"`);
    let k = inputDim;
    this.weightsOf = this.units.map((n, i) => {
      const kernel = this.addWeight(
        `kernel_${i}`,
        [Math.ceil(n / 8), Math.ceil(k / 2), 8],
        initializers.zeros(),
        {
          trainable: false,
          dtype: 'int32',
        },
      );
      const scales = this.addWeight(`scales_${i}`, [n], initializers.ones(), { trainable: false });
      const bias = this.useBias[i]
        ? this.addWeight(`bias_${i}`, [n], initializers.zeros(), { trainable: false })
        : null;
      k = n;
      return { kernel, scales, bias };
    });
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  call(inputs: LayerInputs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
      const inputDim = x.shape[x.rank - 1];
      const rows = (x.rank === 2 ? x : tf.reshape(x, [-1, inputDim])) as tf.Tensor2D; // [batch * ..., in]
      const last = this.units.length - 1;
      const lastFused = fusedInt8(this.activations[last]);
      const layers: Int8ChainLayer[] = this.weightsOf.map((w, i) => ({
        w: w.kernel.read(),
        scales: w.scales.read() as tf.Tensor1D,
        bias: (w.bias?.read() ?? tf.zeros([this.units[i]])) as tf.Tensor1D,
        activation: i < last ? (fusedInt8(this.activations[i]) ?? 'linear') : (lastFused ?? 'linear'),
      }));
      const product = int8DenseChain(rows, layers); // [batch * ..., units[last]]
      const y = lastFused ? product : this.activations[last].apply(product);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.units[last]]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [...shape.slice(0, -1), this.units[this.units.length - 1]];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activations: this.activations.map((a) => serializeActivation(a)),
      useBias: this.useBias,
      layerNames: this.layerNames,
    };
  }
}

register('layer', 'Int8DenseStack', (config) => new Int8DenseStack(config as unknown as Int8DenseStackArgs));
