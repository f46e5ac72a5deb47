/** 3D convolutions (volumes, video clips): conv3d and its transpose. */
import { type CallOptions, type LayerInputs, type LayerWeight, register, tf } from '@tensorfold/core';
import { dilateKernel } from '../../utils/dilate.js';
import { isRecordingGradients } from '../../utils/engine.js';
import { singleTensor } from '../../utils/layer-utils.js';
import { Conv, type ConvArgs } from './conv.js';
import { TransposedConv, type TransposedConvArgs } from './transposed-conv.js';

type Triple = [number, number, number];

/**
 * A 3D convolution: a `kernelSize` window slides over depth, height and width (frames of a clip,
 * slices of a scan) and mixes all input channels into `filters` outputs.
 *
 * Input shape: `[batch, depth, height, width, channels]` (`channelsFirst`: channels second).
 * Output shape: `[batch, newDepth, newHeight, newWidth, filters]`.
 * Weights: `kernel [kd, kh, kw, channels, filters]`, `bias [filters]`.
 *
 * @example
 * conv3d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [16, 32, 32, 1] })
 */
export class Conv3D extends Conv {
  static override readonly className = 'Conv3D';

  constructor(args: ConvArgs) {
    super(3, args);
  }

  call(inputs: LayerInputs, _options: CallOptions): tf.Tensor {
    const input = singleTensor(inputs, `Conv3D layer "${this.name}"`);
    return tf.tidy(() => {
      const x = this.toChannelsLast(input) as tf.Tensor5D; // [batch, depth, height, width, channels]
      let kernel = (this.kernel as LayerWeight).read() as tf.Tensor5D; // [kd, kh, kw, in, filters]
      let rates = this.dilationRate as Triple;
      if (rates.some((r) => r > 1) && isRecordingGradients()) {
        // tfjs's Conv3D gradient refuses dilations: spread the kernel instead (same result).
        kernel = dilateKernel(kernel, rates) as tf.Tensor5D;
        rates = [1, 1, 1];
      }
      const pad = this.padding === 'same' ? 'same' : 'valid';
      let y: tf.Tensor = tf.conv3d(x, kernel, this.strides as Triple, pad, 'NDHWC', rates);
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.fromChannelsLast(this.activation.apply(y)); // [batch, d', h', w', filters]
    });
  }
}

/**
 * `tf.conv3dTranspose` with a gradient: tfjs 4.22 has none for its kernel (Conv3DBackpropInputV2).
 * The transposed convolution is the input gradient of a convolution with the same kernel, so its
 * input gradient is that convolution, and its kernel gradient is the convolution's filter gradient
 * with the roles of input and output swapped.
 */
function transposedConv3d(
  x: tf.Tensor5D,
  kernel: tf.Tensor5D,
  outShape: [number, number, number, number, number],
  strides: Triple,
  pad: 'same' | 'valid',
): tf.Tensor5D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, filter] = args as [tf.Tensor5D, tf.Tensor5D];
    const save = args[2] as tf.GradSaveFunc;
    save([input, filter]);
    return {
      value: tf.conv3dTranspose(input, filter, outShape, strides, pad), // [batch, d', h', w', filters]
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, k] = saved as [tf.Tensor5D, tf.Tensor5D];
        const dx = tf.conv3d(dy as tf.Tensor5D, k, strides, pad); // [batch, d, h, w, channels]
        const dk = tf.engine().runKernel('Conv3DBackpropFilterV2', { x: dy, dy: xs }, {
          strides,
          pad,
          filterShape: k.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
        return [dx, dk];
      },
    };
  });
  return op(x, kernel) as tf.Tensor5D;
}

/** Options of {@link Conv3DTranspose}. */
export type Conv3DTransposeArgs = TransposedConvArgs;

/**
 * The transpose of {@link Conv3D} ("deconvolution"): upsamples volumes by `strides`, the decoder
 * half of 3D autoencoders and generators.
 *
 * Input shape: `[batch, depth, height, width, channels]`. Output shape:
 * `[batch, depth × sd (+ max(kd − sd, 0) with 'valid'), ..., filters]`.
 * Weights: `kernel [kd, kh, kw, filters, channels]`, `bias [filters]`.
 *
 * @example
 * conv3dTranspose({ filters: 4, kernelSize: 2, strides: 2 })
 */
export class Conv3DTranspose extends TransposedConv {
  static override readonly className = 'Conv3DTranspose';

  constructor(args: Conv3DTransposeArgs) {
    super(3, args);
  }

  protected transpose(x: tf.Tensor, kernel: tf.Tensor, outShape: number[], pad: 'same' | 'valid'): tf.Tensor {
    return transposedConv3d(
      x as tf.Tensor5D, // [batch, depth, height, width, channels]
      kernel as tf.Tensor5D, // [kd, kh, kw, filters, channels]
      outShape as [number, number, number, number, number],
      this.strides as Triple,
      pad,
    ); // [batch, depth', height', width', filters]
  }
}

register('layer', 'Conv3D', (c) => new Conv3D(c as unknown as ConvArgs), ['Convolution3D']);
register('layer', 'Conv3DTranspose', (c) => new Conv3DTranspose(c as unknown as Conv3DTransposeArgs), [
  'Deconvolution3D',
]);

/** A 3D convolution layer (see {@link Conv3D}). */
export function conv3d(args: ConvArgs): Conv3D {
  return new Conv3D(args);
}

/** A transposed 3D convolution layer (see {@link Conv3DTranspose}). */
export function conv3dTranspose(args: Conv3DTransposeArgs): Conv3DTranspose {
  return new Conv3DTranspose(args);
}
