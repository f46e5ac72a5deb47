import { type Model, NonFiniteLossError, type Optimizer, tf } from '@tensorfold/core';

/**
 * One optimizer step of `player`'s trainable weights on the loss `lossFn` computes, plus the player's
 * weight penalties; the other weights the loss touches stay as they are (a GAN's frozen discriminator).
 * Weight constraints apply after the step. Returns the loss without penalties, which the caller logs
 * (and `fit` disposes). A NaN or infinite loss changes nothing and throws.
 */
export async function trainOn(
  player: Model,
  optimizer: Optimizer,
  lossFn: () => tf.Scalar,
): Promise<tf.Scalar> {
  const weights = player.trainableWeights;
  let reported: tf.Scalar | undefined;
  const { value, grads } = tf.tidy(() =>
    tf.variableGrads(
      () => {
        const loss = lossFn();
        reported = tf.keep(loss.clone());
        const penalties = player.regularizationLosses();
        return penalties.length > 0 ? (tf.add(loss, tf.addN(penalties)) as tf.Scalar) : loss;
      },
      weights.map((w) => w.variable),
    ),
  );
  const result = reported as unknown as tf.Scalar;
  value.dispose();
  const loss = (await result.data())[0];
  if (!Number.isFinite(loss)) {
    tf.dispose([result, ...Object.values(grads)]);
    throw new NonFiniteLossError(loss, ` in ${player.name}`);
  }
  optimizer.applyGradients(
    weights
      .filter((w) => grads[w.variable.name])
      .map((w) => ({ variable: w.variable, gradient: grads[w.variable.name] })),
  );
  tf.dispose(Object.values(grads));
  for (const w of weights) w.applyConstraint();
  return result;
}
