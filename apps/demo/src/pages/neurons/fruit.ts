/**
 * Seed 003's fruit example (2.3) stepped one example at a time: the perceptron rule from
 * `@tensorfold/models-classic`, applied `steps` times from the text's starting weights.
 */
import { fruitData, type PerceptronStep, perceptronRule } from '@tensorfold/models-classic';

/** The text's starting weights: w = [-30, 300], w0 = -1230. */
export const FRUIT_START = { weights: [-30, 300], bias: -1230 } as const;

/** One presented example and what it did. */
export interface FruitStep extends PerceptronStep {
  /** Step number, from 1. */
  step: number;
  /** Epoch, from 1. */
  epoch: number;
  /** Index of the fruit. */
  sample: number;
  /** The target d. */
  desired: number;
}

/** The first `steps` presentations of the fruits in the text's order at learning rate `rate`. */
export function fruitSteps(steps: number, rate: number): FruitStep[] {
  const { x, y } = fruitData();
  let weights: number[] = [...FRUIT_START.weights];
  let bias: number = FRUIT_START.bias;
  const out: FruitStep[] = [];
  for (let t = 0; t < steps; t++) {
    const sample = t % x.length;
    const s = perceptronRule(weights, bias, x[sample], y[sample], rate);
    out.push({ ...s, step: t + 1, epoch: Math.floor(t / x.length) + 1, sample, desired: y[sample] });
    weights = s.weights;
    bias = s.bias;
  }
  return out;
}
