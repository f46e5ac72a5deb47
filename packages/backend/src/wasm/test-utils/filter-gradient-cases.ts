import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { useBackend } from '../../init-backend.js';
import { KernelScope, type WasmBackendLike } from '../kernel-scope.js';
import { type KernelInput, type KernelOutput, runKernelOn, sequence } from './run-kernel.js';

// What the tests of the WASM filter gradients on their own paths share (filter-gradient-by-rows,
// filter-gradient-by-threads, filter-gradient-blocked-by-threads): a case, its operands, the registered
// kernel on a backend, and the leak check around a path called directly.

type Shape4 = [number, number, number, number];

/** A kernel input whose values are float32 (what `tf.tensor` takes as they are). */
type Operand = KernelInput & { values: Float32Array };

/** A Conv2DBackpropFilter case, NHWC: x [batch, inH, inW, inC], the filter [fH, fW, inC, outC]. */
export interface FilterGradientCase {
  xShape: Shape4;
  filterShape: Shape4;
  strides: [number, number];
  pad: 'valid' | 'same' | number[][];
  /** Default [1, 1]. */
  dilations?: [number, number];
}

/** How many elements a tensor of `shape` holds. */
export const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** The forward convolution's geometry (tfjs's shape rules); its outShape is dy's shape. */
export const infoOf = (c: FilterGradientCase): tf.backend_util.Conv2DInfo =>
  tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, c.dilations ?? 1, c.pad as 'same');

/** x [batch, inH, inW, inC] and dy [batch, outH, outW, outC]: fixed sequences (seeds 1 and 2). */
export function inputsOf(c: FilterGradientCase): { x: Operand; dy: Operand } {
  const dyShape = infoOf(c).outShape;
  return {
    x: { values: sequence(size(c.xShape), 1), shape: c.xShape },
    dy: { values: sequence(size(dyShape), 2), shape: dyShape },
  };
}

/** Conv2DBackpropFilter's attributes for the case. */
export const attrsOf = (c: FilterGradientCase): Record<string, unknown> => ({
  strides: c.strides,
  pad: c.pad,
  dataFormat: 'NHWC',
  dimRoundingMode: undefined,
  filterShape: c.filterShape,
  dilations: c.dilations ?? [1, 1],
});

/** The registered Conv2DBackpropFilter on `backend`, on the case's x and dy. */
export const runFilterGradient = (backend: 'cpu' | 'wasm', c: FilterGradientCase): Promise<KernelOutput> =>
  runKernelOn(backend, 'Conv2DBackpropFilter', inputsOf(c), attrsOf(c));

/**
 * Calls `take` on the WASM backend with the case's x and dy as tensors, a fresh KernelScope and the
 * case's geometry, then disposes the scope and the inputs and expects nothing left behind: the
 * backend's data ids back to where they were before x and dy, tf's tensor count unchanged.
 */
export async function expectFreesAll(
  c: FilterGradientCase,
  take: (scope: KernelScope, x: tf.Tensor, dy: tf.Tensor, info: tf.backend_util.Conv2DInfo) => void,
): Promise<void> {
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const inputs = inputsOf(c);
  const x = tf.tensor(inputs.x.values, inputs.x.shape);
  const dy = tf.tensor(inputs.dy.values, inputs.dy.shape);
  const backend = tf.backend() as unknown as WasmBackendLike;
  const ids = backend.numDataIds();
  const scope = new KernelScope(backend);
  try {
    take(scope, x, dy, infoOf(c));
  } finally {
    scope.dispose();
    tf.dispose([x, dy]);
  }
  expect(backend.numDataIds()).toBe(ids - 2);
  expect(tf.memory().numTensors).toBe(before);
}
