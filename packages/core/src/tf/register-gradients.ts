/**
 * Registers every gradient of tfjs-core with the global engine (tfjs-core alone registers none).
 * Imported once, for its side effect, by the core package's entry points; every tensorfold package
 * depends on core, so importing any of them makes `tf.grad`, `tf.variableGrads` and training work.
 *
 * tfjs-core itself is imported first, so that it, not the bundle's private copy, creates the global
 * engine: tensors are then instances of tfjs-core's own `Tensor`, whose chained methods (`dy.clone()`,
 * used by the AddN and Identity gradients) work. The other order left them unset, and training any
 * model with two regularized weights or a residual sum failed with "reading 'clone'".
 */
import '@tensorflow/tfjs-core';
import '../generated/register-all-gradients.js';
