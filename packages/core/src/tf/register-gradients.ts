/**
 * Registers every gradient of tfjs-core with the global engine, and adds tfjs-core's chained tensor
 * methods (`x.mean()`, `x.slice()`, `x.reshape()`...) to its tensor class: tfjs-core alone does
 * neither (the `@tensorflow/tfjs` union package does both). Imported once, for its side effects, by
 * the core package's entry points; every tensorfold package depends on core, so importing any of
 * them makes `tf.grad`, `tf.variableGrads`, training and the chained methods work.
 *
 * tfjs-core itself is imported first, so that it, not the bundle's private copy, creates the global
 * engine and the global tensor class: tensors are then instances of tfjs-core's own `Tensor`, and
 * the chained methods are set on that class. The other order left them unset, and training any
 * model with two regularized weights or a residual sum failed with "reading 'clone'".
 */
import * as tf from '@tensorflow/tfjs-core';
import '../generated/tfjs-core-registrations.js';
import { probabilitiesCrossentropyGradConfig } from '../kernels/probabilities-crossentropy.js';
import {
  probabilitiesCrossentropyMeanGradConfig,
  sparseCrossentropyMeanGradConfig,
} from '../kernels/probabilities-crossentropy-mean.js';
import { registerFusedGradients } from './fused-gradients.js';
import { registerMeanGradient } from './mean-gradient.js';
import { registerReluGradient } from './relu-gradient.js';
import { registerSoftmaxGradient } from './softmax-gradient.js';

/**
 * Registers core's own gradients (idempotent): the fused kernels' (fused-gradients.ts), Relu's,
 * Softmax's and Mean's in place of tfjs-core's (relu-gradient.ts, softmax-gradient.ts,
 * mean-gradient.ts), and the cross-entropy kernels' (kernels/probabilities-crossentropy.ts and
 * probabilities-crossentropy-mean.ts). Core's
 * import runs it. A bundle that registers tfjs-core's whole list again when it loads
 * (`@tensorflow/tfjs-layers`' does) puts tfjs-core's Relu, Softmax and Mean gradients back: call this
 * after importing such a bundle to have core's again.
 */
export function registerCoreGradients(): void {
  // the gradients of tfjs's fused convolution and matrix-product kernels run by themselves
  registerFusedGradients();
  registerReluGradient();
  for (const config of [
    probabilitiesCrossentropyGradConfig,
    probabilitiesCrossentropyMeanGradConfig,
    sparseCrossentropyMeanGradConfig,
  ]) {
    if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
  }
  registerSoftmaxGradient();
  registerMeanGradient();
}

registerCoreGradients();
