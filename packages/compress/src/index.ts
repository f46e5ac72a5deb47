/**
 * @tensorfold/compress: decomposition compression (SVD, Tucker-2, CP) and post-training quantization
 * of trained tensorfold models; quantized weights are written in the TF.js
 * weights-manifest formats (float16, affine uint8/uint16) and a per-channel int8 format of its own.
 *
 * @packageDocumentation
 */

export {
  type DecomposeMethod,
  type DecomposeOptions,
  type DecomposeResult,
  decompose,
  type LayerReport,
  METHOD_LAYERS,
} from './decompose/decompose.js';
export { factorize } from './decompose/dense-tt.js';
export { type FineTuneOptions, fineTune } from './decompose/fine-tune.js';
export { TTDense, type TTDenseArgs } from './decompose/tt-dense.js';
export { Int8Conv2D, type Int8Conv2DArgs } from './int8/int8-conv2d.js';
export { Int8Dense, type Int8DenseArgs } from './int8/int8-dense.js';
export { Int8DenseStack, type Int8DenseStackArgs } from './int8/int8-dense-stack.js';
export { Int8Layer, type Int8LayerArgs } from './int8/int8-layer.js';
export {
  type FusedInt8Activation,
  INT8_CONV2D,
  INT8_CONV2D_MAX_POOL,
  INT8_DENSE_CHAIN,
  INT8_MAT_MUL,
  type Int8ChainLayer,
  type Int8ConvOptions,
  int8Conv2D,
  int8DenseChain,
  int8MatMul,
  packLevels,
  unpackLevels,
} from './int8/int8-ops.js';
export { type LoadForInferenceOptions, loadForInference } from './int8/load-for-inference.js';
export { type QuantizeForInferenceOptions, quantizeForInference } from './int8/quantize-for-inference.js';
export { exportOnnx, ONNX_LAYERS } from './onnx/export.js';
export { fakeQuantize, fakeQuantizeDynamic, fakeQuantizeSymmetric } from './qat/fake-quant.js';
export { QatConv2D, type QatConv2DArgs } from './qat/qat-conv2d.js';
export {
  QatDense,
  type QatDenseArgs,
  type QuantizationAwareOptions,
  quantizationAware,
  stripQuantizationAware,
} from './qat/qat-dense.js';
export { fromFloat16Bits, toFloat16Bits } from './quantize/float16.js';
export { loadQuantized, readArtifacts } from './quantize/load.js';
export {
  dequantizeArtifacts,
  isQuantized,
  modelWeightBytes,
  QUANTIZE_DTYPES,
  type QuantizeDtype,
  type QuantizeOptions,
  quantizeArtifacts,
  quantizeModel,
  weightBytes,
} from './quantize/quantize.js';
