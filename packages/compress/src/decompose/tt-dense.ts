/**
 * The Tensor-Train dense layer of Novikov et al. (2015), "Tensorizing Neural Networks": the kernel
 * `W [in, out]`, with `in = m_1...m_d` and `out = n_1...n_d`, is held as d cores
 * `G_k [r_{k-1}, m_k, n_k, r_k]` (r_0 = r_d = 1): `W[(i_1..i_d), (j_1..j_d)] = G_1[i_1, j_1] ... G_d[i_d, j_d]`.
 * Parameters: `sum_k r_{k-1} m_k n_k r_k` instead of `in * out`. The forward pass rebuilds W from the
 * cores (differentiable, so the cores train) and multiplies: the saving is in parameters and file size,
 * not in FLOPs. A registered tensorfold layer (`TTDense`): tfjs-layers does not know it.
 */
import {
  type Activation,
  ConfigError,
  Layer,
  type LayerArgs,
  type LayerInputs,
  type LayerWeight,
  register,
  resolve,
  type Shape,
  tf,
} from '@tensorfold/core';
import { initializers } from '@tensorfold/layers';

/** Options of {@link TTDense}. */
export interface TTDenseArgs extends LayerArgs {
  /** Factors of the input size, `m_1...m_d` (their product is the input's last axis). */
  inputFactors: number[];
  /** Factors of the output size, `n_1...n_d` (their product is `units`). Same length as `inputFactors`. */
  outputFactors: number[];
  /** TT ranks `[1, r_1, ..., r_{d-1}, 1]`. */
  ranks: number[];
  /** Activation by name. Default `'linear'`. */
  activation?: string;
  /** Whether to add a bias vector. Default `true`. */
  useBias?: boolean;
}

export class TTDense extends Layer {
  static override readonly className = 'TTDense';
  readonly inputFactors: number[];
  readonly outputFactors: number[];
  readonly ranks: number[];
  readonly units: number;
  readonly activationName: string;
  readonly activation: Activation;
  readonly useBias: boolean;
  cores: LayerWeight[] = [];
  bias: LayerWeight | null = null;

  constructor(args: TTDenseArgs) {
    super(args);
    const { inputFactors, outputFactors, ranks } = args;
    const d = inputFactors?.length ?? 0;
    if (d === 0 || outputFactors?.length !== d || ranks?.length !== d + 1 || ranks[0] !== 1 || ranks[d] !== 1)
      throw new ConfigError(
        'TTDense needs inputFactors and outputFactors of the same length d and ranks [1, r_1, ..., r_{d-1}, 1] of length d + 1.',
      );
    this.inputFactors = [...inputFactors];
    this.outputFactors = [...outputFactors];
    this.ranks = [...ranks];
    this.units = outputFactors.reduce((a, b) => a * b, 1);
    this.activationName = args.activation ?? 'linear';
    this.activation = resolve<Activation>('activation', this.activationName) as Activation;
    this.useBias = args.useBias ?? true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inputs = this.inputFactors.reduce((a, b) => a * b, 1);
    if (shape[shape.length - 1] !== inputs)
      throw new ConfigError(
        `TTDense "${this.name}": the input's last axis is ${shape[shape.length - 1]} but inputFactors multiply to ${inputs}.`,
      );
    const init = initializers.randomNormal({ stddev: 0.1, seed: 0 });
    this.cores = this.inputFactors.map((m, k) =>
      this.addWeight(`core_${k}`, [this.ranks[k], m, this.outputFactors[k], this.ranks[k + 1]], init),
    );
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], initializers.zeros());
  }

  /** The full kernel `[in, out]` the cores stand for. */
  kernel(): tf.Tensor2D {
    return tf.tidy(() => {
      const d = this.cores.length;
      // [m_1 n_1, r_1], growing to [prod(m_k n_k), r_k]
      let full = tf.reshape(this.cores[0].read(), [-1, this.ranks[1]]);
      for (let k = 1; k < d; k++) {
        const core = tf.reshape(this.cores[k].read(), [this.ranks[k], -1]); // [r_{k-1}, m_k n_k r_k]
        full = tf.reshape(tf.matMul(full, core), [-1, this.ranks[k + 1]]);
      }
      // [m_1, n_1, ..., m_d, n_d] -> [m_1..m_d, n_1..n_d]
      const interleaved = this.inputFactors.flatMap((m, k) => [m, this.outputFactors[k]]);
      const perm = [
        ...this.inputFactors.map((_, k) => 2 * k),
        ...this.outputFactors.map((_, k) => 2 * k + 1),
      ];
      const inputs = this.inputFactors.reduce((a, b) => a * b, 1);
      return tf.reshape(tf.transpose(tf.reshape(full, interleaved), perm), [
        inputs,
        this.units,
      ]) as tf.Tensor2D;
    });
  }

  call(inputs: LayerInputs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
      const kernel = this.kernel();
      const rows = x.rank === 2 ? x : tf.reshape(x, [-1, kernel.shape[0]]); // [batch, in]
      const product = tf.matMul(rows, kernel); // [batch, units]
      const bias = this.bias?.read();
      const y = this.activation.apply(bias ? tf.add(product, bias) : product);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      inputFactors: this.inputFactors,
      outputFactors: this.outputFactors,
      ranks: this.ranks,
      activation: this.activationName,
      useBias: this.useBias,
    };
  }
}

register('layer', 'TTDense', (config) => new TTDense(config as unknown as TTDenseArgs));
