/**
 * Gradients for tfjs's fused convolution and matrix product kernels (`FusedConv2D`, `_FusedMatMul`:
 * product, bias, activation) when they are run by themselves (`tf.engine().runKernel`), so that
 * layers can train through one fused kernel: tfjs-core registers none (its `tf.fused.conv2d` wraps the kernel in a custom gradient, and fuses no
 * activation while recording). A registered gradient gives the tape one closure per input, so the
 * input's gradient (a backward convolution as costly as the forward one) is computed only where the
 * tape needs it: not for a network's first layer. The bias and relu then cost no pass of their own
 * forward, and relu's gradient mask one pass backward ({@link reluGradient}).
 *
 * Covers what `@tensorfold/layers` runs: activation `linear` or `relu`, no prelu weights, a bias of
 * the output's last axis (`[outC]`, `[cols]`); convolutions NHWC with dilations 1 (the layers spread
 * dilated kernels while recording); products of two operands of the same rank. `tf.fused.conv2d` and
 * `tf.fused.matMul` are unaffected: their inner kernel calls are not recorded.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { reluGradient, reluGradientAndSums } from '../kernels/relu-grad.js';

/** The attributes of `FusedConv2D` this gradient reads. */
interface FusedConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
}

/** `dy` through the fused activation (`y` the kernel's output): itself for linear, masked for relu. */
function activationGradient(
  kernel: string,
  op: string,
  dy: tf.Tensor,
  y: tf.Tensor,
  activation: string | undefined,
): tf.Tensor {
  if (activation == null || activation === 'linear') return dy;
  if (activation === 'relu') return reluGradient(dy, y);
  throw new ConfigError(
    `The gradient of ${kernel} run by itself takes the linear and relu activations (got ${activation}): use ${op}.`,
  );
}

/**
 * {@link activationGradient}, and for relu the bias's gradient (the sums over every axis but the last)
 * from the same pass where the backend has `RELU_GRAD_SUMS` (WASM); else null: the caller sums.
 */
function activationGradientAndSums(
  kernel: string,
  op: string,
  dy: tf.Tensor,
  y: tf.Tensor,
  activation: string | undefined,
): [tf.Tensor, tf.Tensor | null] {
  const masked = activation === 'relu' ? reluGradientAndSums(dy, y) : null;
  return masked ?? [activationGradient(kernel, op, dy, y, activation), null];
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
      throw new ConfigError(
        `The gradient of FusedConv2D run by itself takes NHWC and dilations 1 (got ${dataFormat}, ${dilations}): use tf.fused.conv2d.`,
      );
    }
    // [batch, outH, outW, outC], and [outC] or null
    const [dyActivation, biasSums] = activationGradientAndSums(
      'FusedConv2D',
      'tf.fused.conv2d',
      dy as tf.Tensor,
      y,
      activation,
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
      bias: () => biasSums ?? tf.sum(dyActivation, [0, 1, 2]),
    };
  },
};

/** The attributes of `_FusedMatMul` this gradient reads. */
interface FusedMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
}

const fusedMatMulGradConfig: tf.GradConfig = {
  kernelName: tf._FusedMatMul,
  // a bias must be [cols] (what layers pass): its gradient is the sum over every other axis, and
  // tfjs's engine names the input and both shapes where another shape is given
  inputsToSave: ['a', 'b'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [a, b, y] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
    const { transposeA, transposeB, activation } = attrs as unknown as FusedMatMulAttrs;
    if (a.rank !== b.rank) {
      throw new ConfigError(
        `The gradient of _FusedMatMul run by itself takes operands of the same rank (got ${a.rank} and ${b.rank}): use tf.fused.matMul.`,
      );
    }
    // dy's shape, and [cols] or null
    const [dyActivation, biasSums] = activationGradientAndSums(
      '_FusedMatMul',
      'tf.fused.matMul',
      dy as tf.Tensor,
      y,
      activation,
    );
    const mm = (p: tf.Tensor, q: tf.Tensor, tp: boolean, tq: boolean) => tf.matMul(p, q, tp, tq);
    return {
      // as tfjs-core's BatchMatMul gradient, for each placement of the transposes
      a: () => (transposeA ? mm(b, dyActivation, transposeB, true) : mm(dyActivation, b, false, !transposeB)),
      b: () => (transposeB ? mm(dyActivation, a, true, transposeA) : mm(a, dyActivation, !transposeA, false)),
      // [cols]: summed over every axis but the last
      bias: () =>
        biasSums ??
        tf.sum(
          dyActivation,
          Array.from({ length: dyActivation.rank - 1 }, (_, i) => i),
        ),
    };
  },
};

/**
 * Registers the gradients above (once; a later tfjs-core that registers its own keeps it). Called by
 * register-gradients.ts when core is imported.
 */
export function registerFusedGradients(): void {
  if (tf.getGradient(tf.FusedConv2D) == null) tf.registerGradient(fusedConv2dGradConfig);
  if (tf.getGradient(tf._FusedMatMul) == null) tf.registerGradient(fusedMatMulGradConfig);
}
