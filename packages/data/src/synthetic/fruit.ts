/**
 * The two-class fruit example of the FITPED "Deep Learning - introduction" course (seed text 003,
 * section 2.3): fruit described by weight (grams) and length (cm), class C1 (+1) or C2 (-1).
 */
import * as tf from '@tensorflow/tfjs-core';

/** The fruit example's data. */
export interface FruitExample {
  /** The four training fruits, `[weight g, length cm]`. */
  features: number[][];
  /** Their classes: +1 for C1, -1 for C2 (bipolar, as the course's perceptron outputs). */
  targets: number[];
  /** The unknown fruits the course classifies afterwards: (140, 17.9) and (140, 20) are C1, (180, 10) is C2. */
  unknown: number[][];
  /** Their classes as the course finds them. */
  unknownTargets: number[];
  featureNames: readonly ['weight (g)', 'length (cm)'];
  classNames: readonly ['C1', 'C2'];
  /** The course's starting weights `[w1, w2]`, bias and learning rate for its Hebbian perceptron walk-through. */
  perceptron: { weights: [number, number]; bias: number; learningRate: number };
  /** `features` as a `[4, 2]` tensor. */
  xs: tf.Tensor2D;
  /** `targets` as a `[4, 1]` tensor. */
  ys: tf.Tensor2D;
  /** Frees `xs` and `ys`. */
  dispose(): void;
}

/**
 * The fruit classification example: (121, 16.8) and (114, 15.2) are class C1, (210, 9.4) and
 * (195, 8.1) class C2.
 */
export function fruitExample(): FruitExample {
  const features = [
    [121, 16.8],
    [114, 15.2],
    [210, 9.4],
    [195, 8.1],
  ];
  const targets = [1, 1, -1, -1];
  const xs = tf.tensor2d(features);
  const ys = tf.tensor2d(targets, [4, 1]);
  return {
    features,
    targets,
    unknown: [
      [140, 17.9],
      [180, 10],
      [140, 20],
    ],
    unknownTargets: [1, -1, 1],
    featureNames: ['weight (g)', 'length (cm)'],
    classNames: ['C1', 'C2'],
    perceptron: { weights: [-30, 300], bias: -1230, learningRate: 0.01 },
    xs,
    ys,
    dispose: () => tf.dispose([xs, ys]),
  };
}
