/**
 * Truth tables of Boolean functions (AND, OR, XOR...): the first problems of neural networks, and
 * XOR the one a single perceptron cannot learn.
 */

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@tensorfold/core';

/** Named Boolean functions of n inputs (NOT takes one). */
export type BooleanFunctionName = 'and' | 'or' | 'xor' | 'nand' | 'nor' | 'xnor' | 'not';

/** Options of {@link booleanFunction}. */
export interface BooleanOptions {
  /** Number of inputs (>= 1; NOT has exactly 1). Default 2 (1 for NOT). */
  inputs?: number;
  /** `'binary'`: false = 0, true = 1. `'bipolar'`: false = -1, true = +1 (perceptron texts). Default `'binary'`. */
  encoding?: 'binary' | 'bipolar';
}

/** A truth table: all `2^inputs` input rows and the function's value for each. */
export interface TruthTable {
  /** `[2^inputs, inputs]` float32, rows in counting order (000, 001, 010...). */
  xs: tf.Tensor2D;
  /** `[2^inputs, 1]` float32. */
  ys: tf.Tensor2D;
  /** The same rows as plain numbers. */
  inputs: number[][];
  /** The same targets as plain numbers. */
  targets: number[];
  /** Frees `xs` and `ys`. */
  dispose(): void;
}

const FUNCTIONS: Record<BooleanFunctionName, (bits: boolean[]) => boolean> = {
  and: (b) => b.every(Boolean),
  or: (b) => b.some(Boolean),
  xor: (b) => b.filter(Boolean).length % 2 === 1,
  nand: (b) => !b.every(Boolean),
  nor: (b) => !b.some(Boolean),
  xnor: (b) => b.filter(Boolean).length % 2 === 0,
  not: (b) => !b[0],
};

/**
 * The full truth table of a Boolean function, named or given as a function of the input bits.
 *
 * @example
 * const { xs, ys } = booleanFunction('xor'); // [[0,0],[0,1],[1,0],[1,1]] -> [[0],[1],[1],[0]]
 */
export function booleanFunction(
  fn: BooleanFunctionName | ((bits: boolean[]) => boolean),
  options: BooleanOptions = {},
): TruthTable {
  const f = typeof fn === 'function' ? fn : Object.hasOwn(FUNCTIONS, fn) ? FUNCTIONS[fn] : undefined;
  if (!f)
    throw new ConfigError(
      `Unknown Boolean function "${String(fn)}"; use one of ${Object.keys(FUNCTIONS).join(', ')} or pass a function.`,
    );
  const n = options.inputs ?? (fn === 'not' ? 1 : 2);
  if (!(Number.isInteger(n) && n >= 1 && n <= 16))
    throw new ConfigError(`inputs must be an integer from 1 to 16, got ${n}.`);
  if (fn === 'not' && n !== 1) throw new ConfigError('NOT takes exactly one input.');
  const bipolar = options.encoding === 'bipolar';
  if (options.encoding && options.encoding !== 'binary' && !bipolar)
    throw new ConfigError(`encoding must be 'binary' or 'bipolar', got '${options.encoding}'.`);
  const encode = (b: boolean) => (b ? 1 : bipolar ? -1 : 0);
  const inputs: number[][] = [];
  const targets: number[] = [];
  for (let row = 0; row < 2 ** n; row++) {
    const bits = Array.from({ length: n }, (_, i) => ((row >> (n - 1 - i)) & 1) === 1);
    inputs.push(bits.map(encode));
    targets.push(encode(f(bits)));
  }
  const xs = tf.tensor2d(inputs, [inputs.length, n]);
  const ys = tf.tensor2d(targets, [targets.length, 1]);
  return { xs, ys, inputs, targets, dispose: () => tf.dispose([xs, ys]) };
}

/** The XOR truth table (see {@link booleanFunction}). */
export function xor(options: BooleanOptions = {}): TruthTable {
  return booleanFunction('xor', options);
}
