import type { Output } from '../output.js';

/** An {@link Output} that prints nothing: for tests that call a command directly and check its result. */
export const quietOutput: Output = {
  line: () => {},
  error: () => {},
  progress: { write: () => true, isTTY: false },
};
