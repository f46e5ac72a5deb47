import {
  ConfigError,
  isSerializedObject,
  normalizeName,
  type Serializable,
  type SerializedObject,
} from '@tensorfold/core';

/**
 * A learning rate that changes with the training step. Pass one as the `learningRate` of any
 * optimizer (it is evaluated at every update), or to `learningRateScheduler` (evaluated per epoch).
 */
export interface LearningRateSchedule extends Serializable {
  /**
   * The learning rate for the update that follows `step` earlier updates (`step` is 0 for the first
   * update, as the optimizer's `iterations` count).
   */
  at(step: number): number;
}

/** Whether `value` is a {@link LearningRateSchedule} object. */
export function isSchedule(value: unknown): value is LearningRateSchedule {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LearningRateSchedule).at === 'function' &&
    typeof (value as LearningRateSchedule).getConfig === 'function'
  );
}

type ScheduleFactory = (config: Record<string, unknown>) => LearningRateSchedule;
const schedules = new Map<string, { className: string; factory: ScheduleFactory }>();

/**
 * Registers a schedule class so that saved optimizer configs that name it can be loaded.
 * The built-in schedules register themselves.
 */
export function registerSchedule(className: string, factory: ScheduleFactory): void {
  schedules.set(normalizeName(className), { className, factory });
}

/**
 * Builds a schedule from its serialized form `{className, config}` (as saved inside an optimizer's
 * config); passes schedule objects through.
 * @throws ConfigError for an unknown class name.
 */
export function deserializeSchedule(spec: LearningRateSchedule | SerializedObject): LearningRateSchedule {
  if (isSchedule(spec)) return spec;
  if (!isSerializedObject(spec)) {
    throw new ConfigError(
      `Expected a learning-rate schedule or {className, config}, got ${JSON.stringify(spec)}.`,
    );
  }
  const entry = schedules.get(normalizeName(spec.className));
  if (!entry) {
    const known = [...new Set([...schedules.values()].map((e) => e.className))].sort().join(', ');
    throw new ConfigError(
      `Unknown learning-rate schedule "${spec.className}". Known schedules: ${known}. Register a custom one with registerSchedule().`,
    );
  }
  return entry.factory(spec.config ?? {});
}
