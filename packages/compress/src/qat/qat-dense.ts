/**
 * Quantization-aware training of Dense and Conv2D layers (qat-conv2d.ts): `QatDense` computes `activation(fq(x) . fq(W) + b)`
 * where `fq` is fake quantization as `Int8Dense` and the int8 product kernel round (symmetric, range
 * from the tensor itself: weights with one scale per output unit, levels in [-127, 127]; inputs with
 * one scale per row, levels in [-63, 63], `DENSE_LEVEL_TOP`), with straight-through gradients. The weights stay
 * float32; {@link quantizationAware} swaps Dense layers for it and Conv2D layers for `QatConv2D`,
 * and {@link stripQuantizationAware} swaps them back (then quantize the trained model with
 * `quantizeModel`, or run it on the int8 kernels with `quantizeForInference`).
 */
import {
  ConfigError,
  create,
  type LayerInputs,
  type Model,
  register,
  type SerializedObject,
  tf,
} from '@tensorfold/core';
import { Dense, type DenseArgs } from '@tensorfold/layers';
import { DENSE_LEVEL_TOP } from '../int8/int8-ops.js';
import { fakeQuantizeSymmetric } from './fake-quant.js';
import './qat-conv2d.js'; // registers QatConv2D, which quantizationAware builds by name

/** Options of {@link QatDense}: Dense's, plus the bit widths. */
export interface QatDenseArgs extends DenseArgs {
  /** Bits of the fake-quantized weights (one scale per output unit; 8: levels [-127, 127]). Default 8. */
  weightBits?: number;
  /**
   * Bits of the fake-quantized inputs (one scale per row); 0 leaves the inputs in float. Default 8.
   * The levels stop at the int8 product kernel's [-63, 63] ({@link DENSE_LEVEL_TOP}): 7 bits and
   * more all round as the kernel does, fewer give coarser grids.
   */
  activationBits?: number;
}

/** The bits whose symmetric levels are the int8 product kernel's [-63, 63]: 7. */
const DENSE_ACTIVATION_BITS = Math.log2(DENSE_LEVEL_TOP + 1) + 1;

/** A Dense layer that trains against 8-bit (by default) weights and inputs. */
export class QatDense extends Dense {
  // Dense types its className as the literal 'Dense'; the registered name of this class is 'QatDense'
  static override readonly className = 'QatDense' as 'Dense';
  readonly weightBits: number;
  readonly activationBits: number;

  constructor(args: QatDenseArgs) {
    super(args);
    this.weightBits = args.weightBits ?? 8;
    this.activationBits = args.activationBits ?? 8;
  }

  override call(inputs: LayerInputs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
      // one scale per output unit, as quantizeModel's int8 levels and Int8Dense store them
      const kernel = fakeQuantizeSymmetric(this.kernel?.read() as tf.Tensor, [0], this.weightBits); // [in, units]
      const inputDim = kernel.shape[0];
      const rows = x.rank === 2 ? x : tf.reshape(x, [-1, inputDim]); // [batch * ..., in]
      // one scale per row, levels at most [-63, 63], as the int8 product kernel quantizes them
      const bits = Math.min(this.activationBits, DENSE_ACTIVATION_BITS);
      const q = this.activationBits > 0 ? fakeQuantizeSymmetric(rows, [1], bits) : rows;
      const product = tf.matMul(q, kernel); // [batch * ..., units]
      const bias = this.bias?.read();
      const y = this.activation.apply(bias ? tf.add(product, bias) : product);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightBits: this.weightBits, activationBits: this.activationBits };
  }
}

register('layer', 'QatDense', (config) => new QatDense(config as unknown as QatDenseArgs));

/** Options of {@link quantizationAware}. */
export interface QuantizationAwareOptions {
  /** Bits of weights. Default 8. */
  weightBits?: number;
  /** Bits of Dense and Conv2D inputs; 0 keeps them float. Default 8. */
  activationBits?: number;
}

/** A copy of a sequential model with the layers of each class in `classes` rebuilt as the class it maps to. */
function swap(
  model: Model,
  classes: Record<string, string>,
  extra: Record<string, unknown>,
  drop: string[],
): Model {
  if (model.className !== 'Sequential')
    throw new ConfigError(
      `Quantization-aware training rebuilds sequential models; "${model.name}" is a ${model.className}.`,
    );
  const config = model.getConfig() as { name: string; layers: SerializedObject[] };
  const layers = config.layers.map((spec) => {
    const to = classes[spec.className];
    if (to == null) return spec;
    const rest = { ...spec.config };
    for (const key of drop) delete rest[key];
    return { className: to, config: { ...rest, ...extra } };
  });
  const rebuilt = create<Model>('layer', { className: 'Sequential', config: { name: config.name, layers } });
  for (const [i, layer] of model.layers.entries()) {
    const values = layer.getWeights();
    rebuilt.layers[i].setWeights(values);
    tf.dispose(values);
  }
  return rebuilt;
}

/**
 * A copy of a sequential model with every Dense layer a {@link QatDense} and every Conv2D a
 * `QatConv2D` (the same weights), to fine-tune against int8 rounding.
 */
export function quantizationAware(model: Model, options: QuantizationAwareOptions = {}): Model {
  return swap(
    model,
    { Dense: 'QatDense', Conv2D: 'QatConv2D' },
    { weightBits: options.weightBits ?? 8, activationBits: options.activationBits ?? 8 },
    [],
  );
}

/**
 * A copy with every {@link QatDense} a plain Dense and every `QatConv2D` a Conv2D again (the trained
 * float weights), ready for `quantizeModel` or `quantizeForInference`.
 */
export function stripQuantizationAware(model: Model): Model {
  return swap(model, { QatDense: 'Dense', QatConv2D: 'Conv2D' }, {}, ['weightBits', 'activationBits']);
}
