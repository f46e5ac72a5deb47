import { TensorfoldError } from '@tensorfold/core';

/**
 * A run stopped by the user (Ctrl-C) before training began: nothing was trained, tested or saved. The
 * `tensorfold` executable exits with code 130 for it, as a shell does for a command ended by Ctrl-C.
 */
export class InterruptedError extends TensorfoldError {}
