/**
 * The step profilers' (step-gap, step-split) wrapper of `tf.engine().runKernel`: the wall time of each
 * outermost call (a kernel run inside another's counts once, in the outer one).
 */
import { tf } from '@tensorfold/core';

type Fn = (...args: unknown[]) => unknown;

/**
 * Wraps the engine's runKernel: `each(args)` on every call (nested ones too), `add(ms)` with the wall
 * ms of every outermost call. Returns the function that puts the engine's own runKernel back.
 */
export function timeOutermostRunKernel(
  add: (ms: number) => void,
  each?: (args: unknown[]) => void,
): () => void {
  let depth = 0;
  const engine = tf.engine() as unknown as Record<string, Fn>;
  const runKernel = engine.runKernel;
  engine.runKernel = function (this: unknown, ...args: unknown[]) {
    each?.(args);
    if (depth++ > 0) {
      try {
        return runKernel.apply(this, args);
      } finally {
        depth--;
      }
    }
    const t = performance.now();
    try {
      return runKernel.apply(this, args);
    } finally {
      add(performance.now() - t);
      depth--;
    }
  };
  return () => {
    engine.runKernel = runKernel;
  };
}
