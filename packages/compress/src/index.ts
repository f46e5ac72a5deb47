/**
 * @tensorfold/compress: post-training quantization of trained tensorfold models, in the TF.js
 * weights-manifest formats (float16, affine uint8/uint16) and a per-channel int8 format of its own.
 *
 * @packageDocumentation
 */
export { fromFloat16Bits, toFloat16Bits } from './quantize/float16.js';
export { loadQuantized, readArtifacts } from './quantize/load.js';
export {
  dequantizeArtifacts,
  isQuantized,
  QUANTIZE_DTYPES,
  type QuantizeDtype,
  type QuantizeOptions,
  quantizeArtifacts,
  quantizeModel,
  weightBytes,
} from './quantize/quantize.js';
