import { existsSync, statSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { integerInRange } from './options.js';
import type { Output } from './output.js';
import { userPath } from './user-path.js';

/** Registers `tensorfold board <dir>` on `program`. */
export function registerBoard(program: Command, makeOutput: (json: boolean) => Output): void {
  program
    .command('board')
    .description(
      'Serve, on 127.0.0.1 only, a page showing the TensorBoard event files under DIR: scalars of the runs overlaid (smoothing, log scale), histograms over time, hyperparameters and model text, the model diagram of each run, and an embedding projector (PCA in 2-D and 3-D, coloured by label); live while runs write.',
    )
    .argument('<dir>', 'a log directory (train --logdir, tune --logdir)', (value: string) => {
      const path = userPath(value);
      if (!existsSync(path) || !statSync(path).isDirectory())
        throw new InvalidArgumentError(
          `"${value}" is not a directory; pass the --logdir of a run or search.`,
        );
      return path;
    })
    .option('--port <n>', 'port on 127.0.0.1 (default: a free one)', integerInRange(0, 65535, '--port'))
    .action(async (dir: string, flags: { port?: number }) => {
      const out = makeOutput(false);
      const { startBoard } = await import('./commands/board.js');
      const board = await startBoard({ logdir: dir, port: flags.port });
      out.line(`tensorfold board: ${board.url} (reading ${dir}; Ctrl-C stops)`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => {
          void board.close().then(resolve);
        });
      });
    });
}
