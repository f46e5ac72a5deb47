/** Helpers every layer uses: single-tensor inputs, regularizer options, serialization of options. */
import {
  type CallOptions,
  ConfigError,
  type Constraint,
  type Initializer,
  type LayerInputs,
  type Regularizer,
  resolve,
  type SerializedObject,
  ShapeError,
  serialize,
  tf,
} from '@tensorfold/core';

/** What a regularizer option accepts: a `Regularizer` object, a registered name, or `{className, config}`. */
export type RegularizerSpec = string | Regularizer | SerializedObject;

/** The one tensor of a single-input layer. */
export function singleTensor(inputs: LayerInputs, who: string): tf.Tensor {
  if (inputs instanceof tf.Tensor) return inputs;
  if (inputs.length === 1) return inputs[0];
  throw new ShapeError(`${who} takes one input but got ${inputs.length}; pass a single tensor.`);
}

/** The mask of a layer's first input (a recurrent layer's sequence), or null. */
export function firstMask(mask: CallOptions['mask']): tf.Tensor | null {
  return (Array.isArray(mask) ? mask[0] : mask) ?? null;
}

/**
 * The regularizer an option names, or null. Named regularizers (`'l2'`) are registered by
 * `@tensorfold/optim`; any object with `apply(w)` returning a scalar works.
 */
export function getRegularizer(spec: RegularizerSpec | null | undefined): Regularizer | null {
  const regularizer = resolve<Regularizer>('regularizer', spec ?? null);
  if (regularizer == null) return null;
  if (typeof regularizer.apply !== 'function') {
    throw new ConfigError(
      `A regularizer must be an object with apply(w) returning a scalar, a registered name such as 'l2' (import '@tensorfold/optim'), or {className, config}; got ${JSON.stringify(spec)}.`,
    );
  }
  return regularizer;
}

/** `{className, config}` of an initializer, regularizer or constraint, or null, as saved in layer configs. */
export function serializeOption(
  value: Initializer | Regularizer | Constraint | null | undefined,
): SerializedObject | null {
  return serialize(value ?? null);
}
