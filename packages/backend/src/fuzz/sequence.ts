/**
 * Long random sequences of ops, where each op takes an earlier result (reshaped, transposed, used as
 * both operands of a product under two shapes...): what a training step or a decomposition does, and
 * what made tensorfold's WASM heap corruption show (one tensor as the weights of two products).
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import type { FuzzCase } from './fuzz-cases.js';
import { input, random, sizeOf } from './values.js';

/** One step: which op, which earlier result, and a number the op reads its details from. */
export interface SequenceStep {
  op: number;
  pick: number;
  arg: number;
}

/** The parameters of a sequence: a value seed and its steps (shrinking drops and simplifies steps). */
export interface SequenceParams {
  seed: number;
  steps: SequenceStep[];
}

export function sequenceParams(length: number): fc.Arbitrary<SequenceParams> {
  return fc.record({
    seed: fc.noShrink(fc.integer({ min: 1, max: 2 ** 30 })),
    steps: fc.array(
      fc.record({
        op: fc.nat({ max: OPS.length - 1 }),
        pick: fc.nat({ max: 63 }),
        arg: fc.nat({ max: 2 ** 20 }),
      }),
      { minLength: 1, maxLength: length },
    ),
  });
}

/** Results larger than this are cut (elements). */
const MAX_ELEMENTS = 4096;

/** `n`'s prime factors, smallest first. */
function primeFactors(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  for (let p = 2; p * p <= rest; p++) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  if (rest > 1) factors.push(rest);
  return factors;
}

/** A shape of `size` elements and rank 1 to 8, chosen by `arg` (its prime factors spread over axes). */
export function shapeFor(size: number, arg: number): number[] {
  const rank = 1 + (arg % 8);
  const dims = new Array<number>(rank).fill(1);
  const next = random(arg + 1);
  for (const p of primeFactors(size)) dims[Math.floor(next() * rank)] *= p;
  return size === 0 ? [0] : dims;
}

/** `x` as a matrix `[rows, cols]`, split by `arg`. */
function asMatrix(x: tf.Tensor, arg: number): tf.Tensor2D {
  const shape = shapeFor(x.size, arg);
  const cut = 1 + (arg % Math.max(1, shape.length));
  return tf.reshape(x, [sizeOf(shape.slice(0, cut)), sizeOf(shape.slice(cut))]) as tf.Tensor2D;
}

type Op = (x: tf.Tensor, arg: number, seed: number) => tf.Tensor;

const OPS: Op[] = [
  // x^T x and x x^T of the same tensor: one buffer as both operands, transposed and not.
  (x, arg) => {
    const m = asMatrix(x, arg);
    return arg % 2 === 0 ? tf.matMul(m, m, true, false) : tf.matMul(m, m, false, true);
  },
  // The same tensor as weights under another shape (a reshape keeps its buffer).
  (x, arg, seed) => {
    const m = asMatrix(x, arg);
    const [rows, cols] = m.shape;
    const w = tf.reshape(m, [cols, rows]);
    return tf.matMul(input([1 + (arg % 5), cols], seed), w);
  },
  (x, arg) => tf.reshape(x, shapeFor(x.size, arg)),
  (x, arg) => {
    const perm = x.shape.map((_, i) => i);
    const next = random(arg);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    return tf.transpose(x, perm);
  },
  (x) => tf.sub(x, tf.reverse(x)),
  (x, arg, seed) =>
    tf.mul(
      x,
      input(
        x.shape.map((d, i) => ((arg >> i) & 1 ? 1 : d)),
        seed,
      ),
    ),
  (x, arg) => (x.rank === 0 ? tf.neg(x) : tf.sum(x, arg % x.rank)),
  (x, arg) => (x.rank === 0 ? x : tf.concat([x, tf.square(x)], arg % x.rank)),
  (x, arg) =>
    tf.pad(
      x,
      x.shape.map((_, i) => [(arg >> i) & 1, (arg >> (i + 8)) & 1] as [number, number]),
    ),
  (x) => tf.addN([x, tf.relu(x), tf.neg(x), tf.sigmoid(x), x, x, x, x, x, tf.abs(x)]),
  (x, arg) => {
    if (x.rank === 0) return tf.exp(x);
    const axis = arg % x.rank;
    const begin = x.shape.map((d, i) => (i === axis ? Math.floor(d / 3) : 0));
    return tf.slice(
      x,
      begin,
      x.shape.map((d, i) => (i === axis ? d - begin[i] : d)),
    );
  },
];

/** Runs the sequence; returns every step's result (each squashed with tanh, so values stay small). */
function runSequence(p: SequenceParams): tf.Tensor[] {
  const pool: tf.Tensor[] = [
    input([4, 6, 5], p.seed),
    input([8, 8], p.seed + 1),
    input([2, 3, 2, 2, 2, 3, 2], p.seed + 2),
  ];
  p.steps.forEach((step, i) => {
    const x = pool[step.pick % pool.length];
    let y = tf.tanh(OPS[step.op](x, step.arg, p.seed + 10 + i));
    if (y.size > MAX_ELEMENTS) y = tf.slice(tf.reshape(y, [y.size]), 0, MAX_ELEMENTS);
    if (y.size === 0) y = input([3, 5], p.seed + 100 + i);
    pool.push(y);
  });
  return pool.slice(3);
}

/** The sequence as a {@link FuzzCase}, for the suite's runner. */
export const sequenceCase: FuzzCase<SequenceParams> = {
  name: 'sequence',
  arbitrary: sequenceParams(40),
  run: runSequence,
};
