/**
 * Plain-number reference implementations of the optimizers' published update rules (float64, one
 * element at a time, written independently of the tensor code), for "hand-computed" checks.
 */

/** One element's update: takes the weight, gradient, the element's state, and the 1-based step. */
export type ReferenceStep = (w: number, g: number, s: Record<string, number>, t: number) => number;

/** Runs a reference rule over flat arrays of weights for a sequence of gradient arrays. */
export function runReference(
  rule: ReferenceStep,
  initial: number[],
  gradients: number[][],
  init: Record<string, number> = {},
): number[] {
  const w = [...initial];
  const state = w.map(() => ({ ...init }));
  gradients.forEach((g, step) => {
    for (let i = 0; i < w.length; i++) w[i] = rule(w[i], g[i], state[i], step + 1);
  });
  return w;
}

export const referenceSgd =
  (lr: number, momentum = 0, nesterov = false): ReferenceStep =>
  (w, g, s) => {
    if (momentum === 0) return w - lr * g;
    s.v = momentum * (s.v ?? 0) - lr * g;
    return nesterov ? w + momentum * s.v - lr * g : w + s.v;
  };

export const referenceAdam =
  (lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7, amsgrad = false, weightDecay = 0): ReferenceStep =>
  (w, g, s, t) => {
    const decayed = w * (1 - lr * weightDecay);
    s.m = b1 * (s.m ?? 0) + (1 - b1) * g;
    s.v = b2 * (s.v ?? 0) + (1 - b2) * g * g;
    s.vhat = Math.max(s.vhat ?? 0, s.v);
    const mHat = s.m / (1 - b1 ** t);
    const vHat = (amsgrad ? s.vhat : s.v) / (1 - b2 ** t);
    return decayed - (lr * mHat) / (Math.sqrt(vHat) + eps);
  };

export const referenceAdagrad =
  (lr: number, initial = 0.1, eps = 1e-7): ReferenceStep =>
  (w, g, s) => {
    s.a = (s.a ?? initial) + g * g;
    return w - (lr * g) / Math.sqrt(s.a + eps);
  };

export const referenceAdadelta =
  (lr: number, rho = 0.95, eps = 1e-7): ReferenceStep =>
  (w, g, s) => {
    s.eg = rho * (s.eg ?? 0) + (1 - rho) * g * g;
    const update = (Math.sqrt((s.ed ?? 0) + eps) / Math.sqrt(s.eg + eps)) * g;
    s.ed = rho * (s.ed ?? 0) + (1 - rho) * update * update;
    return w - lr * update;
  };

export const referenceRmsprop =
  (lr: number, rho = 0.9, momentum = 0, eps = 1e-7, centered = false): ReferenceStep =>
  (w, g, s) => {
    s.ms = rho * (s.ms ?? 0) + (1 - rho) * g * g;
    s.mg = rho * (s.mg ?? 0) + (1 - rho) * g;
    const variance = centered ? s.ms - s.mg * s.mg : s.ms;
    const step = (lr * g) / Math.sqrt(variance + eps);
    s.mom = momentum * (s.mom ?? 0) + step;
    return w - s.mom;
  };

export const referenceAdamax =
  (lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7): ReferenceStep =>
  (w, g, s, t) => {
    s.m = b1 * (s.m ?? 0) + (1 - b1) * g;
    s.u = Math.max(b2 * (s.u ?? 0), Math.abs(g));
    return w - (lr / (1 - b1 ** t)) * (s.m / (s.u + eps));
  };

/** Nadam as written in the TensorFlow 2 documentation (Dozat's schedule with 0.96^(0.004 t)). */
export const referenceNadam =
  (lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7): ReferenceStep =>
  (w, g, s, t) => {
    const mu = (i: number) => b1 * (1 - 0.5 * 0.96 ** (0.004 * i));
    let prod = 1;
    for (let i = 1; i <= t; i++) prod *= mu(i);
    const gPrime = g / (1 - prod);
    s.m = b1 * (s.m ?? 0) + (1 - b1) * g;
    const mPrime = s.m / (1 - prod * mu(t + 1));
    s.v = b2 * (s.v ?? 0) + (1 - b2) * g * g;
    const vPrime = s.v / (1 - b2 ** t);
    const mBar = (1 - mu(t)) * gPrime + mu(t + 1) * mPrime;
    return w - (lr * mBar) / (Math.sqrt(vPrime) + eps);
  };
