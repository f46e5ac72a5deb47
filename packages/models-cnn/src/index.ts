/**
 * @tensorfold/models-cnn: the convolutional models of the source texts, ready to compile and train.
 *
 * @packageDocumentation
 */

export { models } from './descriptions.js';
export { type LeNet5Options, lenet5 } from './lenet5.js';
