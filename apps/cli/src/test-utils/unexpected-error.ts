/**
 * Preloaded (`node --import`) into a `tensorfold` child process by unexpected-error.test.ts: makes
 * every command fail with an error that tensorfold did not throw on purpose (a plain `TypeError`
 * whose message spans lines and ends in stack frames, as some libraries' messages do), the way a
 * bug would. The CLI's code is not changed: only commander's `parseAsync`, which `main` awaits.
 */
import { Command } from 'commander';

Command.prototype.parseAsync = async function parseAsync(): Promise<Command> {
  throw new TypeError(
    "Cannot read properties of undefined (reading 'shape')\n    at readWeights (weights.ts:12:7)\n    at load (model.ts:40:3)",
  );
};
