/**
 * Finite-difference gradient checks of layers: the analytic gradients (tfjs's autodiff or a
 * layer's custom gradient) of a scalar loss with respect to the inputs and to every trainable
 * weight are compared with central differences of the loss itself.
 */
import { type CallOptions, type Layer, tf } from '@tensorfold/core';
import { expect } from 'vitest';

/** Options of {@link checkGradients}. */
export interface GradientCheckOptions {
  /** Call options (training mode, mask, initial state...). Default `{training: false}`. */
  callOptions?: CallOptions;
  /** Half-width of the central difference. Default 1e-2. */
  epsilon?: number;
  /** Absolute tolerance. Default 2e-3. */
  atol?: number;
  /** Relative tolerance. Default 2e-2. */
  rtol?: number;
  /** Whether to check the gradient with respect to the inputs (not for integer inputs). Default true. */
  checkInputs?: boolean;
  /** Which inputs to check (indices); default all. */
  inputIndices?: number[];
  /** Whether to check the trainable weights. Default true. */
  checkWeights?: boolean;
  /** Seed of the random projection that turns the outputs into a scalar loss. */
  seed?: number;
}

/** Sets a variable to `data` without leaving the temporary tensor behind. */
function assignValues(variable: tf.Variable, data: Float32Array): void {
  const t = tf.tensor(data, variable.shape, 'float32');
  variable.assign(t);
  t.dispose();
}

function asList<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

/**
 * Checks a built or unbuilt layer's input and weight gradients at `inputs` by central
 * differences. The loss is `Σ outputs ⊙ R` with a fixed random `R` per output, so every output
 * element contributes. Fails the test with the worst element when a gradient is off.
 */
export async function checkGradients(
  layer: Layer,
  inputs: tf.Tensor | tf.Tensor[],
  options: GradientCheckOptions = {},
): Promise<void> {
  const {
    callOptions = { training: false },
    epsilon = 1e-2,
    atol = 2e-3,
    rtol = 2e-2,
    checkInputs = true,
    checkWeights = true,
    seed = 7,
  } = options;
  const inputList = asList(inputs);
  const multiple = Array.isArray(inputs);
  const first = layer.apply(inputs as tf.Tensor, callOptions);
  const projections = asList(first as tf.Tensor | tf.Tensor[]).map((o, i) =>
    tf.randomUniform(o.shape, -1, 1, 'float32', seed + i),
  );
  tf.dispose(first);

  const lossOf = (xs: tf.Tensor[]): tf.Scalar =>
    tf.tidy(() => {
      const out = asList(
        layer.apply((multiple ? xs : xs[0]) as tf.Tensor, callOptions) as tf.Tensor | tf.Tensor[],
      );
      return tf.addN(out.map((o, i) => tf.sum(tf.mul(o, projections[i])))) as tf.Scalar;
    });
  const lossValue = async (xs: tf.Tensor[]): Promise<number> => {
    const l = lossOf(xs);
    const v = (await l.data())[0];
    l.dispose();
    return v;
  };

  const checkedInputs = checkInputs ? (options.inputIndices ?? inputList.map((_, i) => i)) : [];
  const inputVars = inputList.map((x, i) => (checkedInputs.includes(i) ? tf.variable(x, true) : null));
  const weights = checkWeights ? layer.trainableWeights : [];
  const variables = [
    ...weights.map((w) => w.variable),
    ...inputVars.filter((v): v is tf.Variable => v !== null),
  ];
  const { value, grads } = tf.variableGrads(
    () => lossOf(inputList.map((x, i) => inputVars[i] ?? x)),
    variables,
  );
  value.dispose();

  const failures: string[] = [];
  const compare = (what: string, analytic: Float32Array, numeric: number[]) => {
    let worst = -1;
    let worstExcess = 0;
    numeric.forEach((n, i) => {
      const a = analytic[i];
      const excess = Math.abs(a - n) - (atol + rtol * Math.max(Math.abs(a), Math.abs(n)));
      if (!(excess <= worstExcess)) {
        worstExcess = excess;
        worst = i;
      }
    });
    if (worst >= 0) {
      failures.push(
        `${what}[${worst}]: analytic ${analytic[worst]} vs numeric ${numeric[worst]} (of ${numeric.length} elements)`,
      );
    }
  };

  // Inputs: perturb one element at a time.
  for (const i of checkedInputs) {
    const x = inputList[i];
    const base = (await x.data()) as Float32Array;
    const numeric: number[] = [];
    for (let k = 0; k < base.length; k++) {
      const plus = Float32Array.from(base);
      plus[k] += epsilon;
      const minus = Float32Array.from(base);
      minus[k] -= epsilon;
      const xp = tf.tensor(plus, x.shape, 'float32');
      const xm = tf.tensor(minus, x.shape, 'float32');
      const withX = (t: tf.Tensor) => inputList.map((orig, j) => (j === i ? t : orig));
      const lp = await lossValue(withX(xp));
      const lm = await lossValue(withX(xm));
      tf.dispose([xp, xm]);
      numeric.push((lp - lm) / (2 * epsilon));
    }
    const g = grads[(inputVars[i] as tf.Variable).name];
    expect(g, `no gradient flowed to input ${i}`).toBeDefined();
    compare(`input ${i}`, (await g.data()) as Float32Array, numeric);
  }

  // Weights: perturb the variable in place and restore it.
  for (const w of weights) {
    const base = Float32Array.from((await w.variable.data()) as Float32Array);
    const numeric: number[] = [];
    for (let k = 0; k < base.length; k++) {
      const perturbed = Float32Array.from(base);
      perturbed[k] = base[k] + epsilon;
      assignValues(w.variable, perturbed);
      const lp = await lossValue(inputList);
      perturbed[k] = base[k] - epsilon;
      assignValues(w.variable, perturbed);
      const lm = await lossValue(inputList);
      numeric.push((lp - lm) / (2 * epsilon));
    }
    assignValues(w.variable, base);
    const g = grads[w.variable.name];
    expect(g, `no gradient flowed to weight ${w.path}`).toBeDefined();
    compare(`weight ${w.path}`, (await g.data()) as Float32Array, numeric);
  }

  tf.dispose([...projections, ...Object.values(grads)]);
  for (const v of inputVars) v?.dispose();
  expect(failures, `gradient check of ${layer.className} "${layer.name}"`).toEqual([]);
}
