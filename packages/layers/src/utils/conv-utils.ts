/** Shape arithmetic shared by the convolution and pooling layers. */
import { oneOf } from './args.js';

/** How a convolution or pooling window treats the border. */
export type PaddingMode = 'valid' | 'same' | 'causal';

/** Where the channels axis is: last (`[batch, height, width, channels]`, the default) or first. */
export type DataFormat = 'channelsLast' | 'channelsFirst';

/** The padding option, checked. `causal` is only meaningful for 1D convolutions. */
export function checkPadding(value: unknown, allowCausal = false): PaddingMode {
  const allowed: PaddingMode[] = allowCausal ? ['valid', 'same', 'causal'] : ['valid', 'same'];
  return oneOf(value ?? 'valid', allowed, 'padding');
}

/** The dataFormat option, checked (default `'channelsLast'`). */
export function checkDataFormat(value: unknown): DataFormat {
  return oneOf(value ?? 'channelsLast', ['channelsLast', 'channelsFirst'], 'dataFormat');
}

/**
 * Length of a convolution's output along one axis (Keras's `conv_output_length`); null stays null.
 * `same`: ceil(n / stride); `valid`: ceil((n - dilatedKernel + 1) / stride); `causal`: like same.
 */
export function convOutputLength(
  inputLength: number | null,
  kernelSize: number,
  padding: PaddingMode,
  stride: number,
  dilation = 1,
): number | null {
  if (inputLength == null) return null;
  const dilatedKernel = kernelSize + (kernelSize - 1) * (dilation - 1);
  const length = padding === 'valid' ? inputLength - dilatedKernel + 1 : inputLength;
  return Math.max(0, Math.floor((length + stride - 1) / stride));
}

/**
 * Length of a transposed convolution's output along one axis (Keras's `deconv_output_length`
 * without output padding): `valid`: n * stride + max(kernel - stride, 0); `same`: n * stride.
 */
export function deconvOutputLength(
  inputLength: number | null,
  kernelSize: number,
  padding: PaddingMode,
  stride: number,
): number | null {
  if (inputLength == null) return null;
  return padding === 'valid' ? inputLength * stride + Math.max(kernelSize - stride, 0) : inputLength * stride;
}
