/**
 * `@tensorfold/experiments/node`: event files on disk, and the run logger that writes them.
 *
 * @packageDocumentation
 */

export type { EmbeddingsArgs } from './embedding-snapshot.js';
export { checkLogdir, type EventFileWriter, eventFileWriter } from './event-file.js';
export * from './index.js';
export { type EmbeddingSnapshot, ProjectorWriter } from './projector-writer.js';
export { RunLogger, type RunLoggerArgs, runLogger } from './run-logger.js';
export { type RunData, type RunEmbedding, RunReader, readEmbedding } from './run-reader.js';
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
