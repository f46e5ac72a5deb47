/**
 * @tensorfold/models-cnn: the convolutional models of the source texts, ready to compile and train.
 *
 * @packageDocumentation
 */

export { alexNet } from './applications/alexnet.js';
export {
  type ApplicationOptions,
  type ApplicationSpec,
  buildApplication,
} from './applications/application.js';
export {
  denseBlock,
  denseConvBlock,
  denseNet121,
  denseNetBase,
  transitionBlock,
} from './applications/densenet.js';
export { inceptionV3 } from './applications/inception-v3.js';
export { KerasNames } from './applications/keras-names.js';
export { loadWeightsByName } from './applications/load-weights.js';
export {
  invertedResBlock,
  type MobileNetV2Options,
  makeDivisible,
  mobileNetV2,
} from './applications/mobilenet-v2.js';
export { residualBlockV1, resnet50, stackResidualBlocksV1 } from './applications/resnet.js';
export { vgg16, vgg19, vggStack } from './applications/vgg.js';
export { xception } from './applications/xception.js';
export { type CifarCnnOptions, cifarCnn } from './builders/cifar-cnn.js';
export { type MobileNetSmallOptions, mobileNetSmall, separableBlock } from './builders/mobilenet-small.js';
export { basicBlock, type ResNetSmallOptions, resnetSmall } from './builders/resnet-small.js';
export { type StackedConvNetOptions, stackedConvNet } from './builders/stacked-conv-net.js';
export { type VggSmallOptions, vggSmall } from './builders/vgg-small.js';
export { models } from './descriptions.js';
export { activations } from './inspect/activations.js';
export { gradCamLayer } from './inspect/cam-layer.js';
export { type FilterPatternOptions, filterPattern } from './inspect/filter-pattern.js';
export { type GradCamOptions, gradCam } from './inspect/grad-cam.js';
export { asBatch, findLayer, fitImage } from './inspect/graph-run.js';
export { type LeNet5Options, lenet5 } from './lenet5.js';
export { DIGITS_BASE_PATH, digitsBase } from './transfer/digits-base.js';
export {
  type FeatureExtractorOptions,
  featureExtractor,
  type HeadOptions,
} from './transfer/feature-extractor.js';
export { type FineTuneOptions, fineTune } from './transfer/fine-tune.js';
export { loadDigitsBase } from './transfer/pretrained.js';
