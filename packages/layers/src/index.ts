/**
 * @tensorfold/layers: the layers, activations, initializers and constraints of the source texts,
 * with the TensorFlow.js layers API (`dense({units: 10})`, the same option names), so Keras and
 * tfjs code ports line by line and saved models load in `@tensorflow/tfjs-layers`.
 *
 * Importing the package registers every class by name, so `loadModel` can rebuild saved models and
 * options accept names (`activation: 'relu'`, `kernelInitializer: 'heNormal'`).
 *
 * @packageDocumentation
 */
export * from './activations/index.js';
export * from './constraints/index.js';
export * from './initializers/index.js';
export * from './layers/activations/activation-layers.js';
export { BaseConv, type BaseConvArgs } from './layers/conv/base-conv.js';
export * from './layers/conv/conv.js';
export * from './layers/conv/conv2d-transpose.js';
export * from './layers/conv/conv3d.js';
export * from './layers/conv/depthwise-conv2d.js';
export * from './layers/conv/padding-cropping.js';
export { setTrainingFusedConvEnabled } from './layers/conv/training-fused-conv.js';
export * from './layers/conv/up-sampling2d.js';
export * from './layers/core/activation.js';
export * from './layers/core/dense.js';
export * from './layers/core/dropout.js';
export * from './layers/core/flatten.js';
export * from './layers/core/gaussian-noise.js';
export * from './layers/core/masking.js';
export * from './layers/core/noise-dropout.js';
export * from './layers/core/reshaping.js';
export { setTrainingFusedDenseEnabled } from './layers/core/training-fused-dense.js';
export * from './layers/embedding/embedding.js';
export * from './layers/merge/dot.js';
export * from './layers/merge/merge.js';
export * from './layers/normalization/batch-normalization.js';
export * from './layers/normalization/layer-normalization.js';
export * from './layers/pooling/global-pooling.js';
export * from './layers/pooling/pooling.js';
export * from './layers/pooling/pooling3d.js';
export * from './layers/preprocessing/center-crop.js';
export * from './layers/preprocessing/rescaling.js';
export * from './layers/preprocessing/resizing.js';
export * from './layers/recurrent/cell-types.js';
export { type CellArgs, type CellStep, RNNCell, stateSizes } from './layers/recurrent/cells.js';
export * from './layers/recurrent/conv-lstm2d.js';
export * from './layers/recurrent/gru.js';
export * from './layers/recurrent/lstm.js';
export {
  type RecurrentArgs,
  type RecurrentCallOptions,
  RecurrentLayer,
} from './layers/recurrent/recurrent-base.js';
export * from './layers/recurrent/rnn.js';
export * from './layers/recurrent/simple-rnn.js';
export * from './layers/recurrent/stacked-cells.js';
export * from './layers/wrappers/bidirectional.js';
export * from './layers/wrappers/time-distributed.js';
export type { DataFormat, PaddingMode } from './utils/conv-utils.js';
export {
  type ConvParamCountArgs,
  convParamCount,
  denseParamCount,
  type FeatureMapSizeArgs,
  featureMapSize,
} from './utils/feature-map.js';
export type { RegularizerSpec } from './utils/layer-utils.js';
export type { Interpolation } from './utils/resize.js';
