import type { KernelConfig } from '@tensorflow/tfjs-core';
import { conv3DBackpropFilterConfig, conv3DBackpropInputConfig, conv3DConfig } from './conv3d-kernels.js';
import { maxPool3DConfig } from './max-pool-3d.js';
import { maxPool3DGradConfig } from './max-pool-3d-grad.js';

/**
 * tensorfold's WASM kernels for the 3D kernels that stock tfjs-backend-wasm 4.22 computes wrongly:
 * `Conv3DBackpropInputV2` (every input), `Conv3DBackpropFilterV2` (strides above 1), `MaxPool3D` and
 * `MaxPool3DGrad`; and for `Conv3D`, right but a scalar loop (about 40 times slower). The stock
 * `AvgPool3D` and `AvgPool3DGrad` agree with the CPU backend (checked by the parity and fuzz suites)
 * and are kept.
 */
export const WRONG_3D_KERNELS: readonly KernelConfig[] = [
  conv3DConfig,
  conv3DBackpropInputConfig,
  conv3DBackpropFilterConfig,
  maxPool3DConfig,
  maxPool3DGradConfig,
];
