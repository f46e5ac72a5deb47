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
