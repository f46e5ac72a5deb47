/**
 * What the three recurrences (simple, LSTM, GRU) share: their inputs, results, and the plumbing
 * around tfjs's `customGrad` (one output tensor; every input needs a gradient).
 *
 * Every recurrence takes the input projection `x W + b` for all steps at once (one large matrix
 * product outside the loop, differentiated by tfjs), and runs only the part that must be
 * sequential: per step one product with the recurrent kernel and a handful of element-wise ops,
 * with all gates of a step in one product. Its backward pass is written by hand: the step-wise
 * factors of the gradient are computed for all steps at once, so each backward step is one
 * product and a few element-wise ops, and the recurrent kernel's gradient is one product at the
 * end.
 */
import { tf } from '@tensorfold/core';

/** Inputs of a recurrence. Shapes: T steps, B samples, U units, G gates. */
export interface RecurrenceInputs {
  /** `x W + b` for every step, time-major: `[T, B, G × U]`. */
  inputProjection: tf.Tensor3D;
  /** `[U, G × U]`. */
  recurrentKernel: tf.Tensor2D;
  /** Starting states `[B, U]` (h, and c for the LSTM). */
  initialStates: tf.Tensor2D[];
  /** 1 where a step is real, 0 where it is padding (its state is carried over): `[T, B, U]`, or null. */
  mask: tf.Tensor3D | null;
  /** Recurrent dropout: `[B, U]`, multiplied into h before the recurrent product at every step, or null. */
  recurrentMask: tf.Tensor2D | null;
}

/** Result of a recurrence. */
export interface RecurrenceResult {
  /** The output (h) after every step, time-major `[T, B, U]`. */
  sequence: tf.Tensor3D;
  /** The final states `[B, U]` (h, and c for the LSTM). */
  finalStates: tf.Tensor2D[];
}

/** Positions of the optional inputs in a custom op's argument list. */
export interface OptionalInputs {
  mask: number;
  recurrentMask: number;
  count: number;
}

/** Appends the mask and recurrent mask (when present) to `required`, remembering where they went. */
export function withOptionalInputs(
  required: tf.Tensor[],
  inputs: RecurrenceInputs,
): { list: tf.Tensor[]; at: OptionalInputs } {
  const list = [...required];
  const at: OptionalInputs = { mask: -1, recurrentMask: -1, count: 0 };
  if (inputs.mask) {
    at.mask = list.length;
    list.push(inputs.mask);
  }
  if (inputs.recurrentMask) {
    at.recurrentMask = list.length;
    list.push(inputs.recurrentMask);
  }
  at.count = list.length;
  return { list, at };
}

/** Zero gradients for the optional inputs (masks are constants). */
export function optionalGradients(saved: {
  mask: tf.Tensor | null;
  recurrentMask: tf.Tensor | null;
}): tf.Tensor[] {
  return [
    ...(saved.mask ? [tf.zerosLike(saved.mask)] : []),
    ...(saved.recurrentMask ? [tf.zerosLike(saved.recurrentMask)] : []),
  ];
}

/** Slices `[.., start : start + size]` of the last axis. */
export function lastAxis(x: tf.Tensor, start: number, size: number): tf.Tensor {
  const begin = x.shape.map((_, i) => (i === x.rank - 1 ? start : 0));
  const sizes = x.shape.map((d, i) => (i === x.rank - 1 ? size : d));
  return tf.slice(x, begin, sizes);
}

/** Splits a custom op's packed `[T + k, B, U]` output into the sequence and k final extra states. */
export function unpack(
  packed: tf.Tensor,
  steps: number,
  extra: number,
): { sequence: tf.Tensor3D; extras: tf.Tensor2D[] } {
  const [, batch, units] = packed.shape;
  const sequence = tf.slice(packed, [0, 0, 0], [steps, batch, units]) as tf.Tensor3D;
  const extras: tf.Tensor2D[] = [];
  for (let k = 0; k < extra; k++)
    extras.push(tf.reshape(tf.slice(packed, [steps + k, 0, 0], [1, batch, units]), [batch, units]));
  return { sequence, extras };
}

/** The last step of a time-major sequence: `[B, U]`. */
export function lastStep(sequence: tf.Tensor3D): tf.Tensor2D {
  const [steps, batch, units] = sequence.shape;
  return tf.reshape(tf.slice(sequence, [steps - 1, 0, 0], [1, batch, units]), [batch, units]);
}

/**
 * The T steps of a time-major tensor `[T, ...]`, as T tensors `[...]`.
 *
 * On WASM the values are read once and each step is uploaded as its own tensor: tfjs-backend-wasm
 * 4.22's slice (and so unstack) copies the whole source tensor out of the heap for every slice,
 * and its gather walks elements one by one, which made 60 steps of an LSTM's projection cost
 * 30-80 ms; reading once and uploading the steps costs two copies of the data. Elsewhere
 * `unstack` is cheap (CPU slices copy only the slice; WebGPU slices on the device).
 */
export function timeSteps(x: tf.Tensor): tf.Tensor[] {
  if (tf.getBackend() !== 'wasm' || x.dtype === 'string') return tf.unstack(x);
  const steps = x.shape[0];
  const stepShape = x.shape.slice(1);
  const size = stepShape.reduce((a, b) => a * b, 1);
  const values = x.dataSync() as Float32Array | Int32Array | Uint8Array;
  return Array.from({ length: steps }, (_, t) =>
    tf.tensor(values.subarray(t * size, (t + 1) * size), stepShape, x.dtype),
  );
}

/**
 * How a recurrence splits a time-major tensor into steps: {@link timeSteps} inside the custom
 * ops (not differentiated), `tf.unstack` where tfjs differentiates the loop (gather's gradient
 * needs a kernel WASM lacks).
 */
export type StepSplitter = (x: tf.Tensor) => tf.Tensor[];

/** `[T × B, U]` view of a time-major `[T, B, U]` tensor. */
export function flattenTime(x: tf.Tensor): tf.Tensor2D {
  const [steps, batch, units] = x.shape as [number, number, number];
  return tf.reshape(x, [steps * batch, units]) as tf.Tensor2D;
}
