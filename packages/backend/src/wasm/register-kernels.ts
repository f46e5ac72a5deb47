import '@tensorflow/tfjs-backend-wasm';
import {
  _FusedMatMul,
  BatchMatMul,
  Cast,
  Conv2D,
  Cumprod,
  Cumsum,
  FusedConv2D,
  GatherV2,
  type KernelConfig,
  MaxPool,
  Mean,
  OneHot,
  PadV2,
  Prelu,
  Slice,
  Sum,
  Transpose,
  Unpack,
} from '@tensorflow/tfjs-core';
import { KernelReplacement } from '../kernel-replacement.js';
import { fastMatMulConfig } from './kernels/batch-mat-mul.js';
import { sameTypeCastConfig } from './kernels/cast.js';
import { clipByValueConfig } from './kernels/clip-by-value.js';
import { directConvConfig } from './kernels/conv-by-simd.js';
import { threadedConvConfig } from './kernels/conv-by-threads.js';
import { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './kernels/depthwise-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './kernels/depthwise-backprop-input.js';
import { emptyOutputFirstConfig } from './kernels/empty-elementwise.js';
import { explicitSamePaddingConfig, SAME_PADDING_KERNELS } from './kernels/explicit-same-padding.js';
import { fusedGruConfig, fusedGruGradConfig } from './kernels/fused-gru.js';
import {
  fusedGruResetBeforeConfig,
  fusedGruResetBeforeGradConfig,
} from './kernels/fused-gru-reset-before.js';
import { fusedLstmConfig, fusedLstmGradConfig } from './kernels/fused-lstm.js';
import { fusedRecurrentDropoutConfig } from './kernels/fused-recurrence-driver.js';
import { fusedSimpleRnnConfig, fusedSimpleRnnGradConfig } from './kernels/fused-simple-rnn.js';
import { gatherRowsConfig } from './kernels/gather-rows.js';
import { HIGH_RANK_BINARY_KERNELS, highRankBinaryConfig, highRankPadConfig } from './kernels/high-rank.js';
import { identityConfig } from './kernels/identity.js';
import { INT8_WASM_KERNELS } from './kernels/int8.js';
import { INT8_POOL_WASM_KERNELS } from './kernels/int8-conv-pool.js';
import { INT8_CHAIN_WASM_KERNELS } from './kernels/int8-dense-chain.js';
import { khatriRaoContractionConfig } from './kernels/khatri-rao-contraction.js';
import { leadingAxesSumConfig } from './kernels/leading-axes-sum.js';
import { maxPoolGradConfig } from './kernels/max-pool-grad.js';
import { maxPoolPairsConfig } from './kernels/max-pool-pairs.js';
import { meanGradConfig } from './kernels/mean-grad.js';
import { fixedOneHotConfig } from './kernels/one-hot.js';
import { broadcastPreluConfig } from './kernels/prelu.js';
import {
  probabilitiesCrossentropyConfig,
  probabilitiesCrossentropyGradConfig,
  probabilitiesCrossentropyMeanConfig,
  probabilitiesCrossentropyMeanGradConfig,
  sparseCrossentropyMeanConfig,
  sparseCrossentropyMeanGradConfig,
} from './kernels/probabilities-crossentropy.js';
import { reluGradConfig, reluGradSumsConfig } from './kernels/relu-grad.js';
import { rowContractionConfig } from './kernels/row-contraction.js';
import { viewSliceConfig, viewUnpackConfig } from './kernels/slice.js';
import { softmaxGradConfig } from './kernels/softmax-grad.js';
import { sparseAccuracyUpdateConfig } from './kernels/sparse-accuracy.js';
import { swapLastAxesConfig } from './kernels/swap-last-axes.js';
import { wasmTransformConfig } from './kernels/transform.js';
import { unsortedSegmentSumConfig } from './kernels/unsorted-segment-sum.js';
import { WIDE_BROADCAST_KERNELS, wideBroadcastConfig } from './kernels/wide-broadcast.js';
import { WRONG_3D_KERNELS } from './kernels3d/register-3d.js';

/** Kernels stock tfjs-backend-wasm 4.22 lacks and training needs. */
export const ADDED_WASM_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
  // tensorfold's own: CP-ALS's contractions (tensor-math runs them where they are registered)
  khatriRaoContractionConfig,
  rowContractionConfig,
  // The fused LSTM, simple RNN and GRU (a whole layer over the sequence in one kernel, forward and
  // backward): kernels/fused-lstm.ts, fused-simple-rnn.ts, fused-gru.ts.
  fusedLstmConfig,
  fusedLstmGradConfig,
  fusedSimpleRnnConfig,
  fusedSimpleRnnGradConfig,
  fusedGruConfig,
  fusedGruGradConfig,
  // The reset-before GRU (the GRU layer's default form): kernels/fused-gru-reset-before.ts. All four
  // run on kernels/fused-recurrence-driver.ts.
  fusedGruResetBeforeConfig,
  fusedGruResetBeforeGradConfig,
  // Marks that the four take recurrent dropout (a recurrentMask input).
  fusedRecurrentDropoutConfig,
  // tensorfold's own: integer (int8) inference, see ../int8/int8-kernels.ts
  ...INT8_WASM_KERNELS,
  // an int8 convolution with a 2 x 2 max pool fused (kernels/int8-conv-pool.ts)
  ...INT8_POOL_WASM_KERNELS,
  // a stack of int8 dense layers in one call (kernels/int8-dense-chain.ts)
  ...INT8_CHAIN_WASM_KERNELS,
  // core's RELU_GRAD: relu's gradient mask in one pass (kernels/relu-grad.ts)
  reluGradConfig,
  // core's RELU_GRAD_SUMS: the same mask and the bias's gradient in one pass (kernels/relu-grad.ts)
  reluGradSumsConfig,
  // core's MEAN_GRAD: a mean's gradient over every element in one call (kernels/mean-grad.ts)
  meanGradConfig,
  // core's PROBABILITIES_CROSSENTROPY and its gradient, one call each (kernels/probabilities-crossentropy.ts)
  probabilitiesCrossentropyConfig,
  probabilitiesCrossentropyGradConfig,
  // core's PROBABILITIES_CROSSENTROPY_MEAN and SPARSE_CROSSENTROPY_MEAN and their gradients: the
  // batch's mean loss (one-hot or soft targets, or class ids), one call each
  probabilitiesCrossentropyMeanConfig,
  probabilitiesCrossentropyMeanGradConfig,
  sparseCrossentropyMeanConfig,
  sparseCrossentropyMeanGradConfig,
  // core's SOFTMAX_GRAD: softmax's gradient over the last axis in one call (kernels/softmax-grad.ts)
  softmaxGradConfig,
  // core's SPARSE_ACCURACY_UPDATE: a sparse accuracy metric's sums after one batch (kernels/sparse-accuracy.ts)
  sparseAccuracyUpdateConfig,
];

/**
 * Stock WASM kernels that this package wraps, each with the function that builds the wrapper from the
 * stock config: the matMuls take a faster path for transposed and batched products (same results;
 * also fixes the stock bias bug of transposed fused matMul), sums and means over leading axes (bias
 * gradients, batch statistics) run as one average pooling, casts to the same dtype share memory,
 * OneHot gets right values for non-int32 dtypes, Slice and Unpack copy only what they return instead of the
 * whole input, add, subtract, multiply and divide broadcast a vector over a short last axis in
 * wide rows, and the binary ops and `pad` that stock runs on XNNPACK work above its rank limit of 6, and
 * convolutions get 'same' padding as explicit numbers (stock's XNNPACK SAME flag returned zeros).
 */
const WRAPPERS: Readonly<Record<string, (stock: KernelConfig) => KernelConfig>> = {
  [BatchMatMul]: fastMatMulConfig,
  [_FusedMatMul]: fastMatMulConfig,
  [Sum]: leadingAxesSumConfig,
  [Mean]: leadingAxesSumConfig,
  [Cast]: sameTypeCastConfig,
  [OneHot]: fixedOneHotConfig,
  [Slice]: viewSliceConfig,
  [Unpack]: viewUnpackConfig,
  [PadV2]: highRankPadConfig,
  ...Object.fromEntries(SAME_PADDING_KERNELS.map((name) => [name, explicitSamePaddingConfig])),
  ...Object.fromEntries(HIGH_RANK_BINARY_KERNELS.map((name) => [name, highRankBinaryConfig])),
  // Add, Sub, Multiply, RealDiv: both wrappers, the wide broadcast outside.
  ...Object.fromEntries(
    WIDE_BROADCAST_KERNELS.map((name) => [
      name,
      (stock: KernelConfig) => wideBroadcastConfig(highRankBinaryConfig(stock)),
    ]),
  ),
  // Prelu with alpha broadcast on inner axes (stock misreads it): see kernels/prelu.ts; Prelu,
  // Cumsum, Cumprod and Transpose of empty tensors (stock traps): see kernels/empty-elementwise.ts.
  [Prelu]: (stock: KernelConfig) => emptyOutputFirstConfig(stock, broadcastPreluConfig),
  [Cumsum]: emptyOutputFirstConfig,
  [Cumprod]: emptyOutputFirstConfig,
  // Transpose: swaps of the last two axes by SIMD blocks (kernels/swap-last-axes.ts), others stock.
  [Transpose]: (stock: KernelConfig) => emptyOutputFirstConfig(stock, swapLastAxesConfig),
  // Conv2D and FusedConv2D: small stride-1 ones by the direct SIMD kernel (kernels/conv-by-simd.ts),
  // others on the thread pool where one runs (see kernels/conv-by-threads.ts).
  [Conv2D]: (stock: KernelConfig) => directConvConfig(threadedConvConfig(explicitSamePaddingConfig(stock))),
  [FusedConv2D]: (stock: KernelConfig) =>
    directConvConfig(threadedConvConfig(explicitSamePaddingConfig(stock))),
  // MaxPool over 2x2 windows at stride 2 by SIMD: kernels/max-pool-pairs.ts.
  [MaxPool]: maxPoolPairsConfig,
  // GatherV2 copying each gathered slice as one block (stock walks every element): kernels/gather-rows.ts.
  [GatherV2]: gatherRowsConfig,
};

/** Names of the stock WASM kernels this package wraps (see {@link registerWasmKernels}). */
export const WRAPPED_WASM_KERNELS: readonly string[] = Object.keys(WRAPPERS);

/**
 * Stock WASM kernels that are replaced: MaxPoolGrad gives wrong results in tfjs 4.22,
 * Conv2DBackpropInput runs in a scalar loop where XNNPACK's convolution can do the work, and
 * Identity copies where sharing the memory is enough.
 */
export const REPLACED_WASM_KERNELS: readonly KernelConfig[] = [
  maxPoolGradConfig,
  conv2DBackpropInputConfig,
  identityConfig,
  // Stock Transform (tf.image.transform) mirrors about the wrong edge in 'reflect' mode.
  wasmTransformConfig,
  // Stock ClipByValue turns NaN into the lower bound (hiding a diverged loss) and ignores the upper
  // bound of int32 tensors.
  clipByValueConfig,
  // Stock Conv3DBackpropInputV2, Conv3DBackpropFilterV2 (strides above 1), MaxPool3D and MaxPool3DGrad are
  // wrong; stock Conv3D is a scalar loop.
  ...WRONG_3D_KERNELS,
];

const replacement = new KernelReplacement('wasm', {
  added: ADDED_WASM_KERNELS,
  replaced: REPLACED_WASM_KERNELS,
  wrapped: WRAPPERS,
});

/**
 * Undoes {@link registerWasmKernels}: removes the added kernels and puts the stock ones back. For
 * A/B benchmarks against stock tfjs-backend-wasm; training convnets on WASM needs the kernels.
 *
 * @returns the names of the kernels it removed or restored.
 */
export function unregisterWasmKernels(): string[] {
  return replacement.unregister();
}

/**
 * Completes tfjs-backend-wasm for training: registers the kernels it lacks
 * ({@link ADDED_WASM_KERNELS}), replaces the ones that are wrong or needlessly slow
 * ({@link REPLACED_WASM_KERNELS}: MaxPoolGrad, Conv2DBackpropInput, Identity, Transform, ClipByValue), and wraps others with
 * faster or fixed paths for some inputs ({@link WRAPPED_WASM_KERNELS}: matMuls, leading-axis sums and
 * means, same-dtype casts, OneHot, Slice, Unpack, vector broadcasts in add, subtract, multiply, divide).
 *
 * Safe to call any number of times, before or after the WASM backend starts: a kernel that is
 * already registered (by this function, or by a later tfjs release that ships it) is left alone.
 * `initBackend` calls it; call it yourself only if you start the WASM backend with `tf.setBackend`.
 *
 * @returns the names of the kernels this call registered (empty when everything was in place).
 */
export function registerWasmKernels(): string[] {
  return replacement.register();
}
