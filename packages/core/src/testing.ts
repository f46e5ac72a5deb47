/**
 * @tensorfold/core/testing: switches for same-process A/B benchmarks and tests, kept out of the
 * package's main entry (they change how every training step or gradient (softmax's, a mean's, a relu
 * layer's mask with its bias) of the process runs, not something an application sets).
 *
 * @example
 * import {
 *   setCrossentropyMeanKernelEnabled,
 *   setMeanGradKernelEnabled,
 *   setReluGradSumsEnabled,
 *   setSoftmaxGradKernelEnabled,
 *   setSparseAccuracyKernelEnabled,
 *   setStepLossOnHost,
 * } from '@tensorfold/core/testing';
 *
 * setStepLossOnHost(false); // the step's loss added to the epoch's mean on the device, as before
 * setSoftmaxGradKernelEnabled(false); // softmax's gradient by tfjs-core's four ops
 * setMeanGradKernelEnabled(false); // a mean's gradient by tfjs-core's three ops
 * setReluGradSumsEnabled(false); // a relu layer's mask and its bias's gradient by two kernels
 * setCrossentropyMeanKernelEnabled(false); // a compiled cross-entropy's batch mean by its per-row kernel and Mean
 * setSparseAccuracyKernelEnabled(false); // a sparse accuracy's update by the stock ops
 *
 * @packageDocumentation
 */
export { setMeanGradKernelEnabled } from './kernels/mean-grad.js';
export { setCrossentropyMeanKernelEnabled } from './kernels/probabilities-crossentropy-mean.js';
export { setReluGradSumsEnabled } from './kernels/relu-grad.js';
export { setSoftmaxGradKernelEnabled } from './kernels/softmax-grad.js';
export { setSparseAccuracyKernelEnabled } from './kernels/sparse-accuracy.js';
export { setStepLossOnHost } from './training/train-step.js';
