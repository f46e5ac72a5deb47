/**
 * Typed errors. Every message says what went wrong and what to do about it, so that a user who reads
 * only the message can fix the problem.
 */

/** Base class of every error tensorfold throws on purpose. */
export class TensorfoldError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A tensor or layer got a shape it cannot work with (wrong rank, mismatched dimensions...). */
export class ShapeError extends TensorfoldError {}

/** An option, argument or configuration value is invalid. */
export class ConfigError extends TensorfoldError {}

/** Input data is malformed: a corrupt file, a wrong header, inconsistent lengths, NaN where not allowed. */
export class DataError extends TensorfoldError {}

/** A saved model cannot be read or written: corrupt `model.json`, missing weight shard, wrong sizes. */
export class SerializationError extends TensorfoldError {}

/** Training cannot go on: the loss became NaN or infinite, or the model is not compiled. */
export class TrainingError extends TensorfoldError {}

/** A compute backend cannot start or lacks something it needs. */
export class BackendError extends TensorfoldError {}

/** Throws a {@link ConfigError} unless `condition` holds. */
export function assertConfig(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new ConfigError(typeof message === 'string' ? message : message());
}

/** Throws a {@link ShapeError} unless `condition` holds. */
export function assertShape(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new ShapeError(typeof message === 'string' ? message : message());
}
