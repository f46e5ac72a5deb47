/**
 * When an int8 path that multiplies byte levels (levels in 0..127, so inputs >= 0 only: the chain's
 * job over rows, int8-chain-by-rows.ts; the direct convolution, int8-direct-conv.ts) tries again for
 * weights whose input was seen negative. Such a path finds a negative input only after part of its
 * work (then the other paths do the call), so it waits some calls before it tries again; not a
 * permanent demotion: a layer that met one batch of negative inputs comes back
 * {@link SIGNED_INPUT_FIRST_WAIT} calls later, and one whose inputs are always signed (after a linear
 * or tanh activation) pays for a refused try once every {@link SIGNED_INPUT_LONGEST_WAIT} calls at most.
 */

/**
 * The call (counted from the one whose input was first seen negative) on which the weights' byte path
 * is tried again; the calls before it go to the other paths.
 */
export const SIGNED_INPUT_FIRST_WAIT = 16;

/** The longest such wait (calls): the wait doubles each time a try meets a negative input again. */
export const SIGNED_INPUT_LONGEST_WAIT = 1024;

/**
 * The waits of one path, by weight tensor (its data id: tfjs never rewrites one). `left` counts the
 * calls down to the one that tries the path again, `wait` the next such count.
 */
export class SignedInputWaits {
  private readonly waits = new WeakMap<object, { left: number; wait: number }>();

  /** Counts one call with the weights `key` (once a call, before the paths): one call nearer to a try. */
  count(key: object): void {
    const waiting = this.waits.get(key);
    if (waiting != null && waiting.left > 0) waiting.left--;
  }

  /** Whether the weights `key` wait: the path is not tried on this call. */
  waiting(key: object): boolean {
    return (this.waits.get(key)?.left ?? 0) > 0;
  }

  /**
   * A try met a negative input: the weights wait {@link SIGNED_INPUT_FIRST_WAIT} calls, or twice
   * their last wait where that try came after one (at most {@link SIGNED_INPUT_LONGEST_WAIT}).
   */
  refused(key: object): void {
    const wait = this.waits.get(key)?.wait ?? SIGNED_INPUT_FIRST_WAIT;
    this.waits.set(key, { left: wait, wait: Math.min(2 * wait, SIGNED_INPUT_LONGEST_WAIT) });
  }

  /** A try met no negative input: the next negative one waits {@link SIGNED_INPUT_FIRST_WAIT} calls again. */
  succeeded(key: object): void {
    this.waits.delete(key);
  }
}
