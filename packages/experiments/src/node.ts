/**
 * `@tensorfold/experiments/node`: event files on disk, and the run logger that writes them.
 *
 * @packageDocumentation
 */

export { checkLogdir, type EventFileWriter, eventFileWriter } from './event-file.js';
export * from './index.js';
export { RunLogger, type RunLoggerArgs, runLogger } from './run-logger.js';
export { type RunData, RunReader } from './run-reader.js';
export { type BayesianArgs, bayesianTrial, encode, type Observation } from './tune/bayesian.js';
export { hyperbandTrial, type PlannedTrial } from './tune/hyperband.js';
export {
  type Trial,
  type TuneArgs,
  type TuneResult,
  type TuneStrategy,
  trialPoints,
  tune,
} from './tune/tune.js';
