/**
 * Registers every gradient of tfjs-core with the global engine (tfjs-core alone registers none).
 * Imported once, for its side effect, by the core package's entry points; every tensorfold package
 * depends on core, so importing any of them makes `tf.grad`, `tf.variableGrads` and training work.
 */
import '../generated/register-all-gradients.js';
