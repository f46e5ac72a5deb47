/**
 * Gradients for tfjs's fused convolution kernel (`FusedConv2D`: convolution, bias, activation) when
 * it is run by itself (`tf.engine().runKernel`), so that layers can train through one fused kernel:
 * tfjs-core registers none (its `tf.fused.conv2d` wraps the kernel in a custom gradient, and fuses no
 * activation while recording). A registered gradient gives the tape one closure per input, so the
 * input's gradient (a backward convolution as costly as the forward one) is computed only where the
 * tape needs it: not for a network's first layer. The bias and relu then cost no pass of their own
 * forward, and relu's gradient mask one pass backward ({@link reluGradient}).
 *
 * Covers what `@tensorfold/layers` runs: NHWC, dilations 1 (the layers spread dilated kernels while
 * recording), activation `linear` or `relu`, no prelu weights. `tf.fused.conv2d` is unaffected: its
 * inner kernel call is not recorded.
 */
import * as tf from '@tensorflow/tfjs-core';
import { reluGradient } from '../kernels/relu-grad.js';

/** The attributes of `FusedConv2D` this gradient reads. */
interface FusedConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
}

function isOne(value: [number, number] | number | undefined): boolean {
  return value == null || (Array.isArray(value) ? value.every((v) => v === 1) : value === 1);
}

const fusedConv2dGradConfig: tf.GradConfig = {
  kernelName: tf.FusedConv2D,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dataFormat, dilations, dimRoundingMode, activation } =
      attrs as unknown as FusedConvAttrs;
    if ((dataFormat ?? 'NHWC') !== 'NHWC' || !isOne(dilations)) {
      throw new Error(
        `The gradient of FusedConv2D run by itself takes NHWC and dilations 1 (got ${dataFormat}, ${dilations}): use tf.fused.conv2d.`,
      );
    }
    let dyActivation: tf.Tensor; // [batch, outH, outW, outC]
    if (activation == null || activation === 'linear') dyActivation = dy as tf.Tensor;
    else if (activation === 'relu') dyActivation = reluGradient(dy as tf.Tensor, y);
    else
      throw new Error(
        `The gradient of FusedConv2D run by itself takes the linear and relu activations (got ${activation}): use tf.fused.conv2d.`,
      );
    const convAttrs = { strides, pad, dataFormat: 'NHWC', dimRoundingMode };
    return {
      // [batch, inH, inW, inC]
      x: () =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dyActivation, filter }, {
          ...convAttrs,
          inputShape: x.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      // [fH, fW, inC, outC]
      filter: () =>
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: dyActivation }, {
          ...convAttrs,
          filterShape: filter.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      // [outC]
      bias: () => tf.sum(dyActivation, [0, 1, 2]),
    };
  },
};

/**
 * Registers the gradient above (once; a later tfjs-core that registers its own keeps it). Called by
 * register-gradients.ts when core is imported.
 */
export function registerFusedGradients(): void {
  if (tf.getGradient(tf.FusedConv2D) == null) tf.registerGradient(fusedConv2dGradConfig);
}
