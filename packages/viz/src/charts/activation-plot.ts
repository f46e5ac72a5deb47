import * as tf from '@tensorflow/tfjs-core';
import { type Activation, ConfigError } from '@tensorfold/core';
import { categorical } from '../svg/colors.js';
import type { Figure } from '../svg/figure.js';
import { type LineMark, plot } from './plot.js';

/** Options of {@link activationPlot}. */
export interface ActivationPlotOptions {
  /** The x range. Default `[-5, 5]`. */
  range?: [number, number];
  /** Sample points. Default 201. */
  points?: number;
  /** Draw the derivative (dashed, same colour). Default true. */
  derivative?: boolean;
  /** Title. Default: the function names. */
  title?: string;
  /** Width in px. Default 460. */
  width?: number;
  /** Height in px. Default 300. */
  height?: number;
}

type Fn = ((x: tf.Tensor) => tf.Tensor) | Activation;

/**
 * Activation functions and their derivatives (computed by automatic differentiation, as training
 * sees them), e.g. `activationPlot({ sigmoid: tf.sigmoid, relu: tf.relu })`.
 */
export async function activationPlot(
  functions: Record<string, Fn>,
  options: ActivationPlotOptions = {},
): Promise<Figure> {
  const entries = Object.entries(functions);
  if (entries.length === 0)
    throw new ConfigError('activationPlot needs at least one function: { name: fn }.');
  const [lo, hi] = options.range ?? [-5, 5];
  const count = options.points ?? 201;
  if (!(hi > lo) || !(Number.isInteger(count) && count >= 2))
    throw new ConfigError(
      `Need range [lo, hi] with lo < hi and points >= 2, got [${lo}, ${hi}] and ${count}.`,
    );
  const xs = Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));
  const marks: LineMark[] = [];
  for (const [i, [name, fn]] of entries.entries()) {
    const apply = typeof fn === 'function' ? fn : (x: tf.Tensor) => fn.apply(x);
    const [y, dy] = tf.tidy(() => {
      const x = tf.tensor1d(xs);
      const grad = tf.grad((t: tf.Tensor) => tf.sum(apply(t)))(x); // d f(x_i) / d x_i, element-wise
      return [tf.reshape(apply(x), [-1]), grad];
    });
    try {
      marks.push({ type: 'line', name, x: xs, y: Array.from(await y.data()), color: categorical(i) });
      if (options.derivative ?? true)
        marks.push({
          type: 'line',
          name: `${name}′`,
          x: xs,
          y: Array.from(await dy.data()),
          color: categorical(i),
          dash: true,
        });
    } finally {
      y.dispose();
      dy.dispose();
    }
  }
  return plot({
    title: options.title ?? entries.map(([n]) => n).join(', '),
    width: options.width ?? 460,
    height: options.height ?? 300,
    x: { label: 'x' },
    y: { label: 'f(x)' },
    marks,
    description: `${entries.map(([n]) => n).join(', ')} from ${lo} to ${hi}${(options.derivative ?? true) ? ', each with its derivative dashed' : ''}.`,
  });
}
