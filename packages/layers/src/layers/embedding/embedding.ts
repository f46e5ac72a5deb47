import {
  type CallOptions,
  type Constraint,
  formatShape,
  type Initializer,
  Layer,
  type LayerArgs,
  type LayerInputs,
  type LayerWeight,
  type Regularizer,
  register,
  type Shape,
  ShapeError,
  singleShape,
  tf,
} from '@tensorfold/core';
import { type ConstraintSpec, getConstraint } from '../../constraints/index.js';
import { getInitializer, type InitializerSpec } from '../../initializers/index.js';
import { positiveInteger } from '../../utils/args.js';
import {
  getRegularizer,
  type RegularizerSpec,
  serializeOption,
  singleTensor,
} from '../../utils/layer-utils.js';

/** Options of {@link Embedding}. */
export interface EmbeddingArgs extends LayerArgs {
  /** Size of the vocabulary: token ids run from 0 to `inputDim - 1`. */
  inputDim: number;
  /** Size of each embedding vector. */
  outputDim: number;
  /** Starting vectors. Default `'randomUniform'` (±0.05, as Keras). */
  embeddingsInitializer?: InitializerSpec;
  /** Penalty on the embedding matrix. Default: none. */
  embeddingsRegularizer?: RegularizerSpec | null;
  /** Penalty on the layer's output. */
  activityRegularizer?: RegularizerSpec | null;
  /** Projection applied to the embedding matrix after each update. Default: none. */
  embeddingsConstraint?: ConstraintSpec | null;
  /**
   * Treat id 0 as padding: the layer emits a mask (`id != 0`) that recurrent layers and global
   * average pooling honour, skipping the padded steps. Id 0 is then reserved, so `inputDim`
   * should be the vocabulary size + 1.
   */
  maskZero?: boolean;
  /** Length of the input sequences, when fixed (needed before a flatten layer). */
  inputLength?: number | number[] | null;
}

/**
 * Turns token ids into dense vectors: row `id` of a learned `[inputDim, outputDim]` matrix
 * (word embeddings, Chollet chapter 6).
 *
 * Input shape: `[batch, ...]` integer ids (floats are truncated). Output shape: `[batch, ..., outputDim]`.
 * Weights: `embeddings [inputDim, outputDim]`.
 *
 * @example
 * embedding({ inputDim: 10000, outputDim: 32, maskZero: true })
 */
export class Embedding extends Layer {
  static override readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly embeddingsInitializer: Initializer;
  readonly embeddingsRegularizer: Regularizer | null;
  readonly embeddingsConstraint: Constraint | null;
  readonly maskZero: boolean;
  readonly inputLength: number | number[] | null;
  /** The embedding matrix `[inputDim, outputDim]`, once built. */
  embeddings: LayerWeight | null = null;

  constructor(args: EmbeddingArgs) {
    // As Keras and TensorFlow.js: an embedding declares its input shape ([batch, inputLength], or
    // sequences of any length), so it can start a sequential model without an inputShape.
    const shaped =
      args.inputShape == null && args.batchInputShape == null
        ? {
            ...args,
            batchInputShape: [
              args.batchSize ?? null,
              ...(args.inputLength == null ? [null] : [args.inputLength].flat()),
            ],
          }
        : args;
    super(shaped);
    this.inputDim = positiveInteger(args.inputDim, `Embedding layer "${this.name}": inputDim`);
    this.outputDim = positiveInteger(args.outputDim, `Embedding layer "${this.name}": outputDim`);
    this.embeddingsInitializer = getInitializer(args.embeddingsInitializer, 'randomUniform');
    this.embeddingsRegularizer = getRegularizer(args.embeddingsRegularizer);
    this.activityRegularizer = getRegularizer(args.activityRegularizer);
    this.embeddingsConstraint = getConstraint(args.embeddingsConstraint);
    this.maskZero = args.maskZero ?? false;
    this.supportsMasking = this.maskZero;
    this.inputLength = args.inputLength ?? null;
  }

  override build(_inputShape: Shape | Shape[]): void {
    this.embeddings = this.addWeight(
      'embeddings',
      [this.inputDim, this.outputDim],
      this.embeddingsInitializer,
      {
        regularizer: this.embeddingsRegularizer,
        constraint: this.embeddingsConstraint,
      },
    );
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const x = singleTensor(inputs, `Embedding layer "${this.name}"`);
    return tf.tidy(() => {
      const ids = x.dtype === 'int32' ? x : tf.cast(x, 'int32');
      const flat = tf.reshape(ids, [ids.size]);
      const vectors = tf.gather((this.embeddings as LayerWeight).read(), flat); // [ids, outputDim]
      return tf.reshape(vectors, [...x.shape, this.outputDim]);
    });
  }

  /** `ids != 0` when `maskZero`, else no mask. */
  override computeMask(inputs: LayerInputs, _mask: CallOptions['mask']): tf.Tensor | null {
    if (!this.maskZero) return null;
    return tf.notEqual(singleTensor(inputs, `Embedding layer "${this.name}"`), 0);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, `Embedding layer "${this.name}"`);
    if (this.inputLength == null) return [...shape, this.outputDim];
    const lengths = [this.inputLength].flat();
    if (lengths.length !== shape.length - 1) {
      throw new ShapeError(
        `Embedding layer "${this.name}" has inputLength ${JSON.stringify(this.inputLength)} but got inputs of shape ${formatShape(shape)}; give one length per axis after the batch axis, or leave inputLength out.`,
      );
    }
    return [shape[0], ...lengths.map((l, i) => l ?? shape[i + 1]), this.outputDim];
  }

  override computeOutputDType(): tf.DataType {
    return 'float32';
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: serializeOption(this.embeddingsInitializer),
      embeddingsRegularizer: serializeOption(this.embeddingsRegularizer),
      activityRegularizer: serializeOption(this.activityRegularizer),
      embeddingsConstraint: serializeOption(this.embeddingsConstraint),
      maskZero: this.maskZero,
      inputLength: this.inputLength,
    };
  }
}

register('layer', 'Embedding', (c) => new Embedding(c as unknown as EmbeddingArgs));

/** An embedding layer (see {@link Embedding}). */
export function embedding(args: EmbeddingArgs): Embedding {
  return new Embedding(args);
}
