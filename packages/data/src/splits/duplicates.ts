/**
 * Finding duplicate samples across training and test data ("redundancy in the data": a test
 * sample that also appears in training makes the test score optimistic).
 */

import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '@tensorfold/core';

/** Duplicates between two sets of samples (or within one). */
export interface DuplicateReport {
  /** `[indexInA, indexInB]` pairs of identical samples (within one set: `i < j`). */
  pairs: Array<[number, number]>;
  /** Indices in B (or, within one set, the later copies) that duplicate an earlier sample: drop these to deduplicate. */
  duplicates: number[];
  /** Number of such indices. */
  count: number;
}

async function rows(
  x: tf.Tensor,
  exactIntegers: boolean,
): Promise<{ values: Uint32Array; count: number; width: number }> {
  const count = x.shape[0];
  const width = count === 0 ? 0 : x.size / count;
  if (exactIntegers) {
    // int32 and bool: the integers' own bits, exact beyond float32's 2^24
    const asInt = tf.cast(x, 'int32');
    const values = Int32Array.from((await asInt.data()) as Int32Array);
    asInt.dispose();
    return { values: new Uint32Array(values.buffer), count, width };
  }
  const asFloat = tf.cast(x, 'float32');
  const f = Float32Array.from((await asFloat.data()) as Float32Array);
  asFloat.dispose();
  for (let i = 0; i < f.length; i++) if (f[i] === 0) f[i] = 0; // -0 equals 0
  return { values: new Uint32Array(f.buffer), count, width };
}

function hashRow(values: Uint32Array, start: number, width: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < start + width; i++) h = Math.imul(h ^ values[i], 0x01000193);
  return h >>> 0;
}

function sameRow(a: Uint32Array, i: number, b: Uint32Array, j: number, width: number): boolean {
  for (let k = 0; k < width; k++) if (a[i * width + k] !== b[j * width + k]) return false;
  return true;
}

/**
 * Finds samples of `b` that are exact copies of samples of `a` (e.g. test rows also in training), or
 * repeated samples within `a` when `b` is omitted. Rows are compared exactly after hashing: as
 * integers when every tensor is int32 or bool, otherwise as float32 values (`-0` equals `0`).
 *
 * @example
 * const report = await findDuplicates(trainX, testX);
 * if (report.count > 0) console.warn(`${report.count} test samples also appear in training`);
 */
export async function findDuplicates(a: tf.Tensor, b?: tf.Tensor): Promise<DuplicateReport> {
  for (const [x, what] of [
    [a, 'The first tensor'],
    [b ?? a, 'The second tensor'],
  ] as const) {
    if (!(x instanceof tf.Tensor) || x.rank === 0)
      throw new DataError(`${what} must be a tensor with a sample axis.`);
  }
  const integer = (x: tf.Tensor) => x.dtype === 'int32' || x.dtype === 'bool';
  const exact = integer(a) && (b === undefined || integer(b));
  const left = await rows(a, exact);
  const right = b ? await rows(b, exact) : left;
  if (b && left.width !== right.width)
    throw new DataError(
      `Samples of the two tensors differ in size (${left.width} and ${right.width} values); compare data of the same shape.`,
    );
  const buckets = new Map<number, number[]>();
  const pairs: Array<[number, number]> = [];
  const duplicates = new Set<number>();
  for (let i = 0; i < left.count; i++) {
    const h = hashRow(left.values, i * left.width, left.width);
    const bucket = buckets.get(h);
    if (!b && bucket) {
      for (const j of bucket) {
        if (sameRow(left.values, i, left.values, j, left.width)) {
          pairs.push([j, i]);
          duplicates.add(i);
        }
      }
    }
    if (bucket) bucket.push(i);
    else buckets.set(h, [i]);
  }
  if (b) {
    for (let j = 0; j < right.count; j++) {
      const bucket = buckets.get(hashRow(right.values, j * right.width, right.width));
      for (const i of bucket ?? []) {
        if (sameRow(left.values, i, right.values, j, left.width)) {
          pairs.push([i, j]);
          duplicates.add(j);
        }
      }
    }
  }
  const list = [...duplicates].sort((x, y) => x - y);
  return { pairs, duplicates: list, count: list.length };
}
