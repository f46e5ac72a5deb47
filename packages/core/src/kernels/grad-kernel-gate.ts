import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether one of core's gradient kernels (`SOFTMAX_GRAD`, `PROBABILITIES_CROSSENTROPY_GRAD`,
 * `RELU_GRAD`: kernels with no gradient of their own) may run now in place of the stock ops: the
 * active backend registers `kernelName`, the input has at most `maxSize` elements, and no gradient
 * tape is recording. A tape records while a gradient is taken of a gradient
 * (`tf.grad(x => ... tf.grad(f)(x) ...)`, the engine's gradient depth above 0 during the inner
 * backward pass); the engine would then find no gradient for the kernel and throw, so the stock
 * ops, which have theirs, run instead. A first-order backward pass (a training step) records
 * nothing and takes the kernel.
 */
export function gradKernelRunnable(
  kernelName: string,
  size: number,
  maxSize = Number.POSITIVE_INFINITY,
): boolean {
  return size <= maxSize && !tf.engine().isTapeOn() && tf.getKernel(kernelName, tf.getBackend()) != null;
}
