/**
 * @tensorfold/models-cnn: the convolutional models of the source texts, ready to compile and train.
 *
 * @packageDocumentation
 */

export { type CifarCnnOptions, cifarCnn } from './builders/cifar-cnn.js';
export { type MobileNetSmallOptions, mobileNetSmall, separableBlock } from './builders/mobilenet-small.js';
export { basicBlock, type ResNetSmallOptions, resnetSmall } from './builders/resnet-small.js';
export { type StackedConvNetOptions, stackedConvNet } from './builders/stacked-conv-net.js';
export { type VggSmallOptions, vggSmall } from './builders/vgg-small.js';
export { models } from './descriptions.js';
export { type LeNet5Options, lenet5 } from './lenet5.js';
