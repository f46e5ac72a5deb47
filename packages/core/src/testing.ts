/**
 * @tensorfold/core/testing: switches for same-process A/B benchmarks and tests, kept out of the
 * package's main entry (they change how every training step or softmax gradient of the process
 * runs, not something an application sets).
 *
 * @example
 * import { setSoftmaxGradKernelEnabled, setStepLossOnHost } from '@tensorfold/core/testing';
 *
 * setStepLossOnHost(false); // the step's loss added to the epoch's mean on the device, as before
 * setSoftmaxGradKernelEnabled(false); // softmax's gradient by tfjs-core's four ops
 *
 * @packageDocumentation
 */
export { setSoftmaxGradKernelEnabled } from './kernels/softmax-grad.js';
export { setStepLossOnHost } from './training/train-step.js';
