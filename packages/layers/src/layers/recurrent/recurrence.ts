/**
 * What the three recurrences (simple, LSTM, GRU) share: their inputs, results, and the plumbing
 * around tfjs's `customGrad` (one output tensor; every input needs a gradient).
 *
 * Every recurrence takes the input projection `x W + b` for all steps at once (one large matrix
 * product outside the loop, differentiated by tfjs), and runs only the part that must be
 * sequential: per step one product with the recurrent kernel (all gates at once) and a handful of
 * element-wise ops. Its backward pass is written by hand: the step-wise factors of the gradient are
 * computed for all steps at once, so each backward step is one product and a few element-wise ops,
 * and the recurrent kernel's gradient is one product at the end.
 *
 * Layout: inside the loop every step's tensors are features × batch (`[G × U, B]`), so the gates of a
 * step are row blocks, and cutting them out is a contiguous copy on every backend (column slices
 * take the CPU backend's element-by-element path: 300 of them cost an LSTM 0.8 s there).
 */
import { tf } from '@tensorfold/core';
import { isRecordingGradients } from '../../utils/engine.js';

/** Inputs of a recurrence. Shapes: T steps, B samples, U units, G gates. */
export interface RecurrenceInputs {
  /** `x W + b` for every step, time-major and features × batch: `[T, G × U, B]`. */
  inputProjection: tf.Tensor3D;
  /** The layer's recurrent kernel `[U, G × U]`. */
  recurrentKernel: tf.Tensor2D;
  /** Starting states `[U, B]` (h, and c for the LSTM). */
  initialStates: tf.Tensor2D[];
  /** 1 where a step is real, 0 where it is padding (its state is carried over): `[T, U, B]`, or null. */
  mask: tf.Tensor3D | null;
  /** Recurrent dropout: `[U, B]`, multiplied into h before the recurrent product at every step, or null. */
  recurrentMask: tf.Tensor2D | null;
  /**
   * Whether the caller uses the output of every step (`returnSequences`) or only the last one; with
   * `false` the backward pass skips the (zero) gradients of the other steps' outputs. Default true.
   */
  allOutputsUsed?: boolean;
}

/** Result of a recurrence. */
export interface RecurrenceResult {
  /** The output (h) after every step: `[T, U, B]`. */
  sequence: tf.Tensor3D;
  /** The final states `[U, B]` (h, and c for the LSTM). */
  finalStates: tf.Tensor2D[];
}

/** The constant inputs of a recurrence: the padding mask and the recurrent dropout mask (each may be absent). */
export interface RecurrenceMasks {
  /** See {@link RecurrenceInputs.mask}. */
  mask: tf.Tensor3D | null;
  /** See {@link RecurrenceInputs.recurrentMask}. */
  recurrentMask: tf.Tensor2D | null;
}

/** What a recurrence's forward pass gives {@link customRecurrence}. */
export interface RecurrenceRun {
  /** The op's one output. */
  value: tf.Tensor;
  /** What the backward pass needs (null when no gradient tape records). */
  kept: tf.Tensor[] | null;
}

/** The masks present, in a fixed order. */
function maskList(masks: RecurrenceMasks): tf.Tensor[] {
  return [masks.mask, masks.recurrentMask].filter((m) => m != null) as tf.Tensor[];
}

/** The inverse of {@link maskList}: `list` holds the masks that `present` has. */
function masksFrom(list: tf.Tensor[], present: RecurrenceMasks): RecurrenceMasks {
  let next = 0;
  return {
    mask: present.mask ? (list[next++] as tf.Tensor3D) : null,
    recurrentMask: present.recurrentMask ? (list[next++] as tf.Tensor2D) : null,
  };
}

/**
 * Runs a recurrence as one tfjs custom op with a hand-written gradient. The op's inputs are
 * `required` (the differentiable ones: projection, kernel, states...) followed by the masks that
 * are present, which get zero gradients. `forward` receives the required inputs in the same order,
 * the masks, and whether to keep what `backward` needs; `backward` receives the output's gradient,
 * those kept tensors and the masks, and returns the gradients of the required inputs, in order.
 */
export function customRecurrence(
  required: tf.Tensor[],
  masks: RecurrenceMasks,
  forward: (args: tf.Tensor[], masks: RecurrenceMasks, keep: boolean) => RecurrenceRun,
  backward: (dy: tf.Tensor, kept: tf.Tensor[], masks: RecurrenceMasks) => tf.Tensor[],
): tf.Tensor {
  const optional = maskList(masks);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const ownMasks = masksFrom(inputs.slice(required.length), masks);
    const run = forward(inputs.slice(0, required.length), ownMasks, isRecordingGradients());
    if (run.kept) save([...run.kept, ...maskList(ownMasks)]);
    return {
      value: run.value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const keptCount = saved.length - optional.length;
        const savedMasks = saved.slice(keptCount);
        return [
          ...backward(dy, saved.slice(0, keptCount), masksFrom(savedMasks, masks)),
          ...savedMasks.map((m) => tf.zerosLike(m)), // masks are constants
        ];
      },
    };
  });
  return op(...required, ...optional);
}

/** Rows `[start, start + size)` of a features × batch matrix (a contiguous block). */
export function rows(x: tf.Tensor, start: number, size: number): tf.Tensor {
  return tf.slice(x, [start, 0], [size, x.shape[1] as number]);
}

/** Splits a custom op's packed `[T + k, U, B]` output into the sequence and k final extra states. */
export function unpack(
  packed: tf.Tensor,
  steps: number,
  extra: number,
): { sequence: tf.Tensor3D; extras: tf.Tensor2D[] } {
  const [, units, batch] = packed.shape as [number, number, number];
  const sequence = tf.slice(packed, [0, 0, 0], [steps, units, batch]) as tf.Tensor3D;
  const extras: tf.Tensor2D[] = [];
  for (let k = 0; k < extra; k++)
    extras.push(tf.reshape(tf.slice(packed, [steps + k, 0, 0], [1, units, batch]), [units, batch]));
  return { sequence, extras };
}

/** The last step of a `[T, U, B]` sequence: `[U, B]`. */
export function lastStep(sequence: tf.Tensor3D): tf.Tensor2D {
  const [steps, units, batch] = sequence.shape;
  return tf.reshape(tf.slice(sequence, [steps - 1, 0, 0], [1, units, batch]), [units, batch]);
}

/**
 * `Σ_t a_t b_tᵀ` for stacks `a: [T, M, B]` and `b: [T, N, B]`: the gradient of a kernel used as
 * `kernelᵀ · a_t` at every step, as one product `[M, T × B] · [T × B, N]` (no transposed operand:
 * WASM's product is much slower with one).
 */
export function sumOfOuterProducts(a: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  const [steps, m, batch] = a.shape as [number, number, number];
  const n = b.shape[1] as number;
  const left = tf.reshape(tf.transpose(a, [1, 0, 2]), [m, steps * batch]);
  const right = tf.reshape(tf.transpose(b, [0, 2, 1]), [steps * batch, n]);
  return tf.matMul(left, right) as tf.Tensor2D;
}

/**
 * The gradient reaching each step's output from outside the recurrence: every step's slice of `dy`,
 * or, when only the last output is used, null for all steps but the last.
 */
export function outputGradients(dy: tf.Tensor, steps: number, allUsed: boolean): Array<tf.Tensor | null> {
  const [, units, batch] = dy.shape as [number, number, number];
  if (allUsed) return tf.unstack(tf.slice(dy, [0, 0, 0], [steps, units, batch]));
  const out: Array<tf.Tensor | null> = new Array(steps).fill(null);
  out[steps - 1] = tf.reshape(tf.slice(dy, [steps - 1, 0, 0], [1, units, batch]), [units, batch]);
  return out;
}

/** `a + b` where either may be absent (zero, costing no op); at least one is present. */
export function sumPresent(a: tf.Tensor | null, b: tf.Tensor | null): tf.Tensor {
  if (a && b) return tf.add(a, b);
  return (a ?? b) as tf.Tensor;
}
