import { ConfigError, DataError, Model, type SymbolicTensor, tf } from '@tensorfold/core';
import { frechetDistance } from './frechet.js';

/** Options of {@link classifierScore}. */
export interface ClassifierScoreArgs {
  /** A sample counts as confidently classified when its top probability exceeds this. Default 0.9. */
  confidence?: number;
  /** A class counts as covered when it holds at least this share of the samples. Default 0.05. */
  minShare?: number;
  /**
   * Real images to compare the samples with by the Fréchet distance between the classifier's
   * penultimate-layer features (an FID on the classifier's own features). Omit to skip it.
   */
  realImages?: tf.Tensor;
  /** Batch size of the classifier's forward passes. Default 500. */
  batchSize?: number;
}

/** How a trained classifier judges generated images. */
export interface ClassifierScore {
  /** Mean of the top class probability. */
  meanConfidence: number;
  /** Share of the samples whose top probability exceeds `confidence`. */
  confidentShare: number;
  /** Share of the samples assigned to each class. */
  classShares: number[];
  /** Classes holding at least `minShare` of the samples (all of them: no mode collapse). */
  classesCovered: number;
  /** Fréchet distance to `realImages` on the penultimate features, when given. */
  frechetDistance?: number;
}

/**
 * Judges generated images by a classifier trained on the real ones (for MNIST, tensorfold's LeNet-5): a
 * good generator's samples are classified confidently (they look like some digit), spread over every class
 * (no mode collapse), and their features sit where real images' do (the Fréchet distance).
 *
 * @param classifier A trained classifier whose last layer outputs class probabilities `[batch, classes]`.
 * @param samples Generated images `[n, ...]` in the classifier's input range.
 */
export async function classifierScore(
  classifier: Model,
  samples: tf.Tensor,
  args: ClassifierScoreArgs = {},
): Promise<ClassifierScore> {
  const { confidence = 0.9, minShare = 0.05, batchSize = 500 } = args;
  if (classifier.outputs.length !== 1)
    throw new ConfigError('classifierScore needs a classifier with one output of class probabilities.');
  const probabilities = classifier.predict(samples, { batchSize }) as tf.Tensor2D; // [n, classes]
  const [n, classes] = probabilities.shape;
  const [top, best] = tf.tidy(() => [tf.max(probabilities, 1), tf.argMax(probabilities, 1)]);
  const [topValues, bestValues] = await Promise.all([top.data(), best.data()]);
  tf.dispose([probabilities, top, best]);
  const counts = new Array<number>(classes).fill(0);
  let confident = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    counts[bestValues[i]]++;
    sum += topValues[i];
    if (topValues[i] > confidence) confident++;
  }
  const classShares = counts.map((c) => c / n);
  const score: ClassifierScore = {
    meanConfidence: sum / n,
    confidentShare: confident / n,
    classShares,
    classesCovered: classShares.filter((s) => s >= minShare).length,
  };
  if (args.realImages) {
    // The feature model shares the classifier's layers and weights: it has nothing of its own to free.
    const features = penultimate(classifier);
    const [fake, real] = [samples, args.realImages].map(
      (x) => features.predict(x, { batchSize }) as tf.Tensor2D,
    );
    score.frechetDistance = frechetDistance(await fake.data(), await real.data(), fake.shape[1]);
    tf.dispose([fake, real]);
  }
  return score;
}

/** A model from the classifier's input to the output of its second-to-last layer (shared weights). */
function penultimate(classifier: Model): Model {
  const layers = classifier.layers;
  if (layers.length < 2)
    throw new DataError('The classifier needs a layer before its output to take features from.');
  const feature = layers[layers.length - 2].output as SymbolicTensor;
  if (Array.isArray(feature) || feature.shape.length !== 2)
    throw new ConfigError(
      `The classifier's second-to-last layer must output feature vectors [batch, d]; it outputs ${JSON.stringify(feature.shape)}.`,
    );
  return new Model({ inputs: classifier.inputs, outputs: feature });
}
