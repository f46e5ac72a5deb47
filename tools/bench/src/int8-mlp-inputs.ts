/**
 * The int8 MLP A/Bs' shared setup (int8-fair-ab, int8-suite-gap, int8-after-float, int8-calls-ab): the
 * float32 MLP (784-512-256-10, seed 1), its int8 copy (`quantizeForInference`) and the first 1000
 * MNIST test digits.
 */
import { quantizeForInference } from '@tensorfold/compress';
import { setSeed, tf } from '@tensorfold/core';
import { loadMnist } from '@tensorfold/data/node';
import { mlpNetwork } from './networks.js';

/** The float32 MLP, its int8 copy and `x` (`[1000, 784]`, the caller disposes it). */
export async function int8MlpInputs() {
  setSeed(1);
  const float = mlpNetwork();
  const int8 = quantizeForInference(float);
  const test = await loadMnist({ split: 'test', limit: 1000 });
  const x = tf.reshape(test.xs, [1000, 784]); // [1000, 784]
  test.dispose();
  return { float, int8, x };
}
