import type { Tensor } from '@tensorflow/tfjs-core';

/** A loss as a plain function: returns one value per sample, shape `[batch]` (or `[batch, ...]`, averaged). */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * A loss object. `call` returns per-sample losses, shape `[batch]`; the training loop averages them
 * (weighted by sample weights when given). Implementations live in `@tensorfold/optim`.
 */
export interface Loss {
  readonly name: string;
  call(yTrue: Tensor, yPred: Tensor): Tensor;
  /**
   * Optional: the mean of `call`'s values over every sample as one op, where the loss has one for
   * these inputs (a kernel that averages as it goes: fewer kernel calls in a training step); `null`
   * where it has none, and the training loop averages `call`'s values itself. It must equal
   * `mean(call(yTrue, yPred))`. The loop asks for it only without sample weights.
   */
  batchMean?(yTrue: Tensor, yPred: Tensor): Tensor | null;
  getConfig?(): Record<string, unknown>;
  readonly className?: string;
}
