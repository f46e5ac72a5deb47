/**
 * @tensorfold/tensor-math: tensor products, unfolding and n-mode products, and the CP, Tucker and
 * tensor-train decompositions, with TensorLy's names and semantics in camelCase. The heavy lifting runs
 * in tfjs kernels on whatever backend is active (CPU, WASM, WebGPU); the small dense linear algebra
 * tfjs lacks (SVD, symmetric eigendecomposition, least squares) runs in float64 with `ml-matrix`.
 *
 * @packageDocumentation
 */

export { fold } from './algebra/fold.js';
export { type InnerOptions, inner } from './algebra/inner.js';
export { type ModeDotOptions, modeDot } from './algebra/mode-dot.js';
export { mttkrp } from './algebra/mttkrp.js';
export { type MultiModeDotOptions, multiModeDot } from './algebra/multi-mode-dot.js';
export { norm } from './algebra/norm.js';
export { unfold } from './algebra/unfold.js';
export { type VecOptions, vec } from './algebra/vec.js';
export { type CPOptions, cp } from './decomposition/cp.js';
export type { CPInit } from './decomposition/cp-init.js';
export { CPTensor, cpToTensor } from './decomposition/cp-tensor.js';
export type {
  Decomposition,
  FitHistory,
  IterationCallback,
  IterationInfo,
} from './decomposition/decomposition.js';
export { type HosvdOptions, hosvd } from './decomposition/hosvd.js';
export { compressionRatio, parameterCount, relativeError } from './decomposition/metrics.js';
export { type NonNegativeCPOptions, nonNegativeCp } from './decomposition/non-negative-cp.js';
export { type NonNegativeTuckerOptions, nonNegativeTucker } from './decomposition/non-negative-tucker.js';
export { feasibleRanks, type TensorTrainOptions, tensorTrain } from './decomposition/tensor-train.js';
export { TTTensor, ttToTensor } from './decomposition/tt-tensor.js';
export { type TuckerOptions, tucker } from './decomposition/tucker.js';
export { TuckerTensor, tuckerToTensor } from './decomposition/tucker-tensor.js';
export { type EighResult, eigh } from './linalg/eigh.js';
export { lstsq } from './linalg/lstsq.js';
export {
  chooseSvdMethod,
  GRAM_RELATIVE_FLOOR,
  HOST_SVD_WORK_LIMIT,
  type SvdMethod,
  type SvdOptions,
  type SvdResult,
  svd,
} from './linalg/svd.js';
export { hadamard } from './products/hadamard.js';
export { type KhatriRaoOptions, khatriRao } from './products/khatri-rao.js';
export { kronecker } from './products/kronecker.js';
export { outer } from './products/outer.js';
