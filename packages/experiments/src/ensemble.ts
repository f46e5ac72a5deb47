import {
  type CallOptions,
  ConfigError,
  input,
  Layer,
  type LayerArgs,
  type LayerInputs,
  Model,
  register,
  type Shape,
  type SymbolicTensor,
  tf,
} from '@tensorfold/core';

/** How an ensemble pools its members' predictions. */
export type EnsembleMethod = 'mean' | 'vote' | 'weighted';

/** Options of {@link EnsembleCombine}. */
export interface EnsembleCombineArgs extends LayerArgs {
  /** How to pool. Default `'mean'`. */
  method?: EnsembleMethod;
  /** One weight per member for `'weighted'` (normalized to sum 1). */
  weights?: number[];
}

/**
 * Pools the members' class probabilities `[batch, classes]` (one input per member): `'mean'` averages them,
 * `'weighted'` averages them with the given weights, `'vote'` gives each class the share of members whose
 * top class it is (a majority vote; ties keep the earlier class under argMax).
 */
export class EnsembleCombine extends Layer {
  static override readonly className = 'EnsembleCombine';
  readonly method: EnsembleMethod;
  readonly memberWeights: number[] | null;

  constructor(args: EnsembleCombineArgs = {}) {
    super(args);
    this.method = args.method ?? 'mean';
    if (!['mean', 'vote', 'weighted'].includes(this.method))
      throw new ConfigError(`method must be 'mean', 'vote' or 'weighted', got "${this.method}".`);
    this.memberWeights = args.weights ?? null;
    if (this.method === 'weighted') {
      const w = this.memberWeights;
      if (!w || w.length === 0 || w.some((v) => !(v >= 0)) || w.reduce((a, b) => a + b, 0) <= 0)
        throw new ConfigError(
          "method 'weighted' needs weights: one non-negative number per member, not all 0.",
        );
    }
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const members = Array.isArray(inputs) ? (inputs as tf.Tensor[]) : [inputs as tf.Tensor];
    return tf.tidy(() => {
      if (this.method === 'vote') {
        const classes = members[0].shape[members[0].rank - 1];
        const votes = members.map((p) => tf.oneHot(tf.argMax(p, -1), classes));
        return tf.div(tf.addN(votes), members.length);
      }
      if (this.method === 'weighted') {
        const w = this.memberWeights as number[];
        if (w.length !== members.length)
          throw new ConfigError(
            `${w.length} weights were given for ${members.length} members; give one each.`,
          );
        const total = w.reduce((a, b) => a + b, 0);
        return tf.addN(members.map((p, i) => tf.mul(p, w[i] / total)));
      }
      return tf.div(tf.addN(members), members.length);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return Array.isArray(inputShape[0]) ? (inputShape as Shape[])[0] : (inputShape as Shape);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), method: this.method, weights: this.memberWeights };
  }
}

register('layer', 'EnsembleCombine', (config) => new EnsembleCombine(config as EnsembleCombineArgs));

/** Options of {@link ensemble}. */
export interface EnsembleArgs {
  /** How to pool the members' predictions. Default `'mean'`. */
  method?: EnsembleMethod;
  /** One weight per member, for `'weighted'` (e.g. each member's validation accuracy). */
  weights?: number[];
  /** Model name. Default `ensemble`. */
  name?: string;
}

/**
 * An ensemble of trained classifiers that is itself a model (seed 002, ch. 7): every member sees the same
 * input, and their class probabilities are pooled by `method`. Compile it to `evaluate`; `predict`, `save`
 * and `loadModel` work as for any model (the members are saved inside it).
 *
 * @example
 * const pooled = ensemble([cnn, mlp, resnet], { method: 'mean' });
 * pooled.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
 * const { accuracy } = await pooled.evaluate(testX, testY);
 */
export function ensemble(members: Model[], args: EnsembleArgs = {}): Model {
  if (members.length < 2)
    throw new ConfigError(`An ensemble needs at least 2 members, got ${members.length}.`);
  const shapes = members.map((m) => {
    if (m.inputs.length !== 1 || m.outputs.length !== 1)
      throw new ConfigError(`Member "${m.name}" must have one input and one output (class probabilities).`);
    return {
      input: JSON.stringify(m.inputs[0].shape.slice(1)),
      output: JSON.stringify(m.outputs[0].shape.slice(1)),
    };
  });
  for (const [i, s] of shapes.entries()) {
    if (s.input !== shapes[0].input || s.output !== shapes[0].output)
      throw new ConfigError(
        `Members must take the same input and give the same output: "${members[0].name}" maps ${shapes[0].input} to ${shapes[0].output}, "${members[i].name}" maps ${s.input} to ${s.output}.`,
      );
  }
  const x = input({ shape: JSON.parse(shapes[0].input) as number[], name: 'ensemble_input' });
  const outputs = members.map((m) => m.apply(x) as SymbolicTensor);
  const pooled = new EnsembleCombine({ method: args.method, weights: args.weights, name: 'pool' }).apply(
    outputs,
  );
  return new Model({ inputs: x, outputs: pooled as SymbolicTensor, name: args.name ?? 'ensemble' });
}
