/**
 * A recurrent regressor for windows of a time series (seed 003's stock LSTM, seed 002's temperature
 * forecasting with recurrent dropout, stacking and bidirectional layers).
 */
import { ConfigError, type Sequential, sequential } from '@tensorfold/core';
import { bidirectional, dense, gru, lstm, type RecurrentLayer, simpleRNN } from '@tensorfold/layers';

/** Which recurrent cell. */
export type RecurrentCell = 'lstm' | 'gru' | 'simpleRNN';

/** Options of {@link sequenceRegressor}. */
export interface SequenceRegressorOptions {
  /** Steps per window (`null` for any length). Default `null`. */
  steps?: number | null;
  /** Features per step. Default 1. */
  features?: number;
  /** The recurrent cell. Default `'lstm'`. */
  cell?: RecurrentCell;
  /** State size of each recurrent layer. Default 32. */
  units?: number;
  /** Stacked recurrent layers (all but the last return sequences). Default 1. */
  layers?: number;
  /** Fraction of the input features dropped while training, in [0, 1). Default 0. */
  dropout?: number;
  /** Fraction of the state dropped before the recurrent product while training, in [0, 1). Default 0. */
  recurrentDropout?: number;
  /** Run each recurrent layer in both directions and concatenate. Default `false`. */
  bidirectional?: boolean;
  /** Values predicted per window. Default 1. */
  outputs?: number;
  /** Seed of the dropout masks. Default: the global generator's next seed. */
  seed?: number;
  /** Model name. Default `sequence_regressor`. */
  name?: string;
}

/** Builds one recurrent layer of the cell. */
export function recurrentLayer(cell: RecurrentCell, args: Parameters<typeof lstm>[0]): RecurrentLayer {
  if (cell === 'lstm') return lstm(args);
  if (cell === 'gru') return gru(args);
  if (cell === 'simpleRNN') return simpleRNN(args);
  throw new ConfigError(`Unknown recurrent cell '${cell}'; use 'lstm', 'gru' or 'simpleRNN'.`);
}

/**
 * Stacked recurrent layers and a linear dense head: `[batch, steps, features]` -> `[batch, outputs]`.
 * Compile it with a regression loss (`'meanSquaredError'` or `'meanAbsoluteError'`).
 *
 * @example
 * const model = sequenceRegressor({ steps: 60, cell: 'gru', units: 32, recurrentDropout: 0.2 });
 * model.compile({ optimizer: 'adam', loss: 'meanAbsoluteError' });
 */
export function sequenceRegressor(options: SequenceRegressorOptions = {}): Sequential {
  const {
    steps = null,
    features = 1,
    cell = 'lstm',
    units = 32,
    layers = 1,
    dropout = 0,
    recurrentDropout = 0,
    outputs = 1,
    seed,
    name = 'sequence_regressor',
  } = options;
  for (const [key, v] of [
    ['features', features],
    ['units', units],
    ['layers', layers],
    ['outputs', outputs],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new ConfigError(`${key} must be a positive integer, got ${v}.`);
  if (steps !== null && (!Number.isInteger(steps) || steps < 1))
    throw new ConfigError(`steps must be a positive integer or null, got ${steps}.`);
  const body = [];
  for (let i = 0; i < layers; i++) {
    const layer = recurrentLayer(cell, {
      units,
      dropout,
      recurrentDropout,
      returnSequences: i < layers - 1,
      seed: seed === undefined ? undefined : seed + i,
      name: options.bidirectional ? undefined : `${cell.toLowerCase()}_${i + 1}`,
      ...(i === 0 && !options.bidirectional ? { inputShape: [steps, features] } : {}),
    });
    body.push(
      options.bidirectional
        ? bidirectional({
            layer,
            name: `bidirectional_${i + 1}`,
            ...(i === 0 ? { inputShape: [steps, features] } : {}),
          })
        : layer,
    );
  }
  return sequential({ name, layers: [...body, dense({ units: outputs, name: 'forecast' })] });
}
