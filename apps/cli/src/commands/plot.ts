import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DataError } from '@tensorfold/core';
import {
  type HistoryLike,
  history,
  historySeries,
  supportsColor,
  terminalHistory,
  writeFigure,
} from '@tensorfold/viz/node';
import type { Output } from '../output.js';

/** Options of `tensorfold plot`. */
export interface PlotOptions {
  /** Write the learning curves to this `.svg` or `.png` file. */
  out?: string;
  /** Draw them in the terminal (the default when `out` is not given). */
  terminal?: boolean;
  /** Only these metrics (without `val_`). Default: every logged one. */
  metrics?: string[];
  /** Log scale for the y axes. */
  logScale?: boolean;
}

/**
 * Reads a history JSON file: the `history` record Keras and tensorfold log (`{"loss": [...],
 * "val_loss": [...]}`), or an object holding it under `history` (what `train --plot` writes).
 */
export async function readHistoryFile(file: string): Promise<HistoryLike> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DataError(
      `Cannot read ${resolve(file)} (${(error as Error).message}); pass a history JSON file.`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataError(
      `${resolve(file)} is not JSON (${(error as Error).message}); a history file maps names to lists of numbers, like {"loss": [0.9, 0.5]}.`,
      { cause: error },
    );
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new DataError(
      `${resolve(file)} holds no history: expected an object like {"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]}.`,
    );
  return json as HistoryLike;
}

/** `tensorfold plot <history.json> [--out curves.svg|png] [--terminal]`. */
export async function plotCommand(file: string, options: PlotOptions, out: Output): Promise<void> {
  const h = await readHistoryFile(file);
  const { record } = historySeries(h); // checks the history before anything is written
  const metrics =
    options.metrics ??
    [...new Set(Object.keys(record).map((k) => k.replace(/^val_/, '')))].sort((a, b) =>
      a === 'loss' ? -1 : b === 'loss' ? 1 : 0,
    );
  if (options.out) {
    const fig = history(h, { metrics, logScale: options.logScale });
    await writeFigure(options.out, fig, { scale: options.out.toLowerCase().endsWith('.png') ? 2 : 1 });
    out.line(`Wrote ${resolve(options.out)} (${metrics.join(', ')})`);
    for (const note of fig.notes) out.line(`Note: ${note}`);
  }
  if (options.terminal || !options.out) {
    const color = supportsColor(out.progress);
    for (const metric of metrics) out.line(terminalHistory(h, { metric, color }));
  }
}
