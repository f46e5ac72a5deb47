/**
 * Temperature sampling for text generation (seed 002 ch. 8): the distribution `p` is reweighted to
 * `p^(1/T)`, renormalized, and a character drawn from it with a seeded generator.
 */
import { ConfigError, type Model, Random, tf } from '@tensorfold/core';
import { type CharVocabulary, OOV_ID, PAD_ID } from './char-vocabulary.js';

/**
 * `p^(1/T) / sum(p^(1/T))`, computed in log space so small probabilities do not underflow. T = 1 leaves
 * the distribution as it is, T < 1 sharpens it, T > 1 flattens it.
 *
 * @throws ConfigError when `temperature <= 0` (or not a finite number).
 */
export function reweight(probabilities: ArrayLike<number>, temperature: number): Float64Array {
  checkTemperature(temperature);
  const logs = Float64Array.from(probabilities, (p) => Math.log(p) / temperature);
  let max = Number.NEGATIVE_INFINITY;
  for (const l of logs) if (l > max) max = l;
  if (max === Number.NEGATIVE_INFINITY) throw new ConfigError('Every probability is 0: nothing to sample.');
  let sum = 0;
  for (let i = 0; i < logs.length; i++) {
    logs[i] = Math.exp((logs[i] as number) - max);
    sum += logs[i] as number;
  }
  for (let i = 0; i < logs.length; i++) logs[i] = (logs[i] as number) / sum;
  return logs;
}

function checkTemperature(temperature: number): void {
  if (!(Number.isFinite(temperature) && temperature > 0))
    throw new ConfigError(
      `temperature must be a number > 0, got ${temperature}; 1 samples the model as it is, lower is more conservative.`,
    );
}

/** Draws an index from `probabilities` (summing to 1) with one uniform number of `random`. */
export function sampleIndex(probabilities: ArrayLike<number>, random: Random): number {
  const u = random.uniform();
  let cumulative = 0;
  for (let i = 0; i < probabilities.length; i++) {
    cumulative += probabilities[i] as number;
    if (u < cumulative) return i;
  }
  return probabilities.length - 1;
}

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** The vocabulary the model was trained with. */
  vocabulary: CharVocabulary;
  /** Characters to generate. Default 400. */
  length?: number;
  /** Sampling temperature, > 0. Default 1. */
  temperature?: number;
  /** Seed of the sampling: the same seed, model and text give the same output. Default 0. */
  seed?: number;
  /** Characters the model reads (its window). Default: the model's input length, or 60. */
  steps?: number;
}

/** A generated text. */
export interface GeneratedText {
  /** The generated characters (without the seed text). */
  text: string;
  /** Characters of the seed text outside the vocabulary (read as OOV). */
  unknownInSeed: number;
}

/**
 * Continues `seedText` one character at a time: the model gives the next character's probabilities from
 * the last `steps` characters, they are reweighted by the temperature, and one character is drawn. Padding
 * and OOV are never drawn.
 *
 * @throws ConfigError when `temperature <= 0` or `length` is not a non-negative integer.
 * @example
 * const { text } = await generate(model, 'call me ishmael. ', { vocabulary, temperature: 0.5, seed: 1 });
 */
export async function generate(
  model: Model,
  seedText: string,
  options: GenerateOptions,
): Promise<GeneratedText> {
  const { vocabulary, length = 400, temperature = 1, seed = 0 } = options;
  checkTemperature(temperature);
  if (!Number.isInteger(length) || length < 0)
    throw new ConfigError(`length must be a non-negative integer, got ${length}.`);
  const declared = model.inputs[0]?.shape[1];
  const steps = options.steps ?? (typeof declared === 'number' ? declared : 60);
  const random = new Random(seed);
  const { ids: seedIds, unknown } = vocabulary.encode(seedText);
  const context = Array.from(seedIds);
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    // [1, steps], left-padded with id 0 (masked) while the context is short.
    const window = new Int32Array(steps);
    const tail = context.slice(-steps);
    window.set(tail, steps - tail.length);
    const x = tf.tensor2d(window, [1, steps], 'int32');
    const y = model.predict(x) as tf.Tensor;
    const probabilities = Float64Array.from(await y.data());
    tf.dispose([x, y]);
    probabilities[PAD_ID] = 0;
    probabilities[OOV_ID] = 0;
    const id = sampleIndex(reweight(probabilities, temperature), random);
    context.push(id);
    out.push(id);
  }
  return { text: vocabulary.decode(out), unknownInSeed: unknown };
}
