import {
  ConfigError,
  type NamedTensor,
  type Optimizer,
  type SerializedObject,
  ShapeError,
  serialize,
  tf,
  type VariableGradient,
} from '@tensorfold/core';
import { checkNonNegative, checkPositive } from '../checks.js';
import { deserializeSchedule, type LearningRateSchedule } from '../schedules/schedule.js';
import { clipByGlobalNorm, clipByNorm, clipByValue } from './clipping.js';
import { runFusedUpdate } from './fused.js';
import type { FusedRule } from './kernels/fused-rule.js';
import { ScalarCache } from './scalar-cache.js';

/** Options every optimizer takes. */
export interface OptimizerArgs {
  /**
   * Step size, or a schedule that gives it per update (`exponentialDecay(...)`, `cosineDecay(...)`).
   * Each optimizer documents its default.
   */
  learningRate?: number | LearningRateSchedule | SerializedObject;
  /** Rescale each gradient whose L2 norm exceeds this. Default: off. */
  clipNorm?: number | null;
  /** Clip each gradient element into `[-clipValue, clipValue]`. Default: off. */
  clipValue?: number | null;
  /** Rescale all gradients together when their joint L2 norm exceeds this. Default: off. */
  globalClipNorm?: number | null;
  /**
   * Decoupled weight decay (as AdamW, Keras 3): before each update every weight is multiplied by
   * `1 - learningRate * weightDecay`. Default 0 (off) except for `adamw`.
   */
  weightDecay?: number | null;
}

/** Keras and TensorFlow.js spellings of the common options, accepted when loading a saved config. */
const optionAliases: Record<string, keyof OptimizerArgs> = {
  lr: 'learningRate',
  clipnorm: 'clipNorm',
  clipvalue: 'clipValue',
  globalClipnorm: 'globalClipNorm',
};

/** Maps Keras/TensorFlow.js config keys (`clipnorm`, `lr`, `global_clipnorm`) to tensorfold's options. */
export function normalizeOptimizerConfig<T>(config: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config ?? {})) {
    const name = optionAliases[key] ?? key;
    if (value !== null && value !== undefined) out[name] = value;
  }
  return out as T;
}

/** Per-step coefficients of an update, by name (plain numbers; the base turns them into scalars once). */
export type Coefficients = Record<string, number>;

/** The coefficients as scalar tensors, for the tensor-op form of an update. */
export type CoefficientScalars = Record<string, tf.Scalar>;

/**
 * The base of every tensorfold optimizer. It owns what all of them share: the learning rate (a number
 * or a schedule), the iteration count, gradient clipping, decoupled weight decay, the per-variable
 * state ("slots", such as Adam's moments), and saving and restoring that state.
 *
 * A subclass names its slots, computes the per-step coefficients as numbers in
 * {@link OptimizerBase.coefficients}, and writes one variable's update with tensor ops in
 * {@link OptimizerBase.update}. Every variable of a step is updated inside one `tidy`; where a fused
 * kernel for the update is registered on the active backend (see `fused.ts`), each variable's update
 * is a single kernel instead of a dozen small ones.
 */
export abstract class OptimizerBase implements Optimizer {
  /** The registered class name (`'Adam'`), the name saved in training configs. */
  abstract readonly className: string;
  /** Names of the per-variable state tensors it keeps, saved as `<variable>/<slot>`. */
  protected abstract readonly slotNames: readonly string[];

  readonly clipNorm: number | null;
  readonly clipValue: number | null;
  readonly globalClipNorm: number | null;
  readonly weightDecay: number;

  private iterationCount = 0;
  private rate: number;
  private schedule: LearningRateSchedule | null;
  private readonly slots = new Map<string, tf.Tensor[]>();
  private readonly scalars = new ScalarCache();

  protected constructor(args: OptimizerArgs, defaultLearningRate: number) {
    const lr = args.learningRate ?? defaultLearningRate;
    if (typeof lr === 'number') {
      this.rate = checkNonNegative(lr, `${new.target.name} learningRate`);
      this.schedule = null;
    } else {
      this.schedule = deserializeSchedule(lr as LearningRateSchedule | SerializedObject);
      this.rate = this.schedule.at(0);
    }
    this.clipNorm = args.clipNorm == null ? null : checkPositive(args.clipNorm, 'clipNorm');
    this.clipValue = args.clipValue == null ? null : checkPositive(args.clipValue, 'clipValue');
    this.globalClipNorm =
      args.globalClipNorm == null ? null : checkPositive(args.globalClipNorm, 'globalClipNorm');
    const clips = [this.clipNorm, this.clipValue, this.globalClipNorm].filter((c) => c !== null).length;
    if (clips > 1) {
      throw new ConfigError(
        'Set only one of clipNorm, clipValue and globalClipNorm: they are alternative ways to clip gradients.',
      );
    }
    this.weightDecay = checkNonNegative(args.weightDecay ?? 0, 'weightDecay');
  }

  /** How many updates have been applied. Schedules are evaluated at this step. */
  get iterations(): number {
    return this.iterationCount;
  }

  /** The learning rate of the next update (the schedule's value at {@link OptimizerBase.iterations}). */
  get learningRate(): number {
    return this.learningRateAt(this.iterationCount);
  }

  /**
   * Sets a constant learning rate from the next update on (callbacks such as `reduceLROnPlateau` do).
   * @throws ConfigError when the optimizer follows a schedule, which would silently stop applying.
   */
  set learningRate(value: number) {
    if (this.schedule) {
      throw new ConfigError(
        `This ${this.className} optimizer follows a ${this.schedule.className} learning-rate schedule, so its learning rate cannot be set. ` +
          'Create the optimizer with a number as learningRate to adjust it from callbacks.',
      );
    }
    const previous = this.rate;
    this.rate = checkNonNegative(value, `${this.className} learningRate`);
    this.learningRateChanged(previous, this.rate);
  }

  /**
   * The learning rate of the update that follows `iteration` updates: the schedule's value there,
   * or the constant rate (as it is now).
   */
  protected learningRateAt(iteration: number): number {
    return this.schedule ? this.schedule.at(iteration) : this.rate;
  }

  /** Called when the constant learning rate is set (a subclass whose state depends on it adapts). */
  protected learningRateChanged(_previous: number, _next: number): void {}

  /** The schedule the learning rate follows, or null for a constant rate. */
  get learningRateSchedule(): LearningRateSchedule | null {
    return this.schedule;
  }

  /**
   * Applies one update to every variable. Checks every pair first (shapes, duplicates, restored
   * state), so a bad call changes nothing. The gradients stay owned by the caller.
   */
  applyGradients(gradients: readonly VariableGradient[]): void {
    this.checkPairs(gradients);
    if (gradients.length === 0) return;
    const step = this.iterationCount + 1;
    const lr = this.learningRate;
    const coefficients = this.coefficients(step, lr);
    coefficients.decay = this.weightDecay > 0 ? 1 - lr * this.weightDecay : 1;
    const rule = this.fusedRule();
    let scalars: CoefficientScalars | null = null; // made only if a variable takes the tensor-op path
    tf.tidy(() => {
      const clipped = this.clip(gradients.map((p) => p.gradient));
      gradients.forEach(({ variable }, i) => {
        const old = this.slotsOf(variable);
        let next = rule ? runFusedUpdate(rule, variable, clipped[i], old, coefficients) : null;
        if (next === null) {
          scalars ??= this.scalars.update(coefficients);
          // [same shape as the variable] throughout
          const decayed = this.weightDecay > 0 ? tf.mul(variable, scalars.decay) : variable;
          next = this.update(decayed, clipped[i], old, scalars);
        }
        const [value, ...state] = next;
        variable.assign(value);
        const kept = state.map((t) => tf.keep(t));
        for (const t of old) if (!kept.includes(t)) t.dispose();
        this.slots.set(variable.name, kept);
      });
    });
    this.iterationCount++;
  }

  /**
   * The numbers one step's update needs, computed once per step: the learning rate, bias
   * corrections and the like. `step` is 1 for the first update.
   */
  protected abstract coefficients(step: number, learningRate: number): Coefficients;

  /**
   * One variable's update with tensor ops: returns the new value followed by the new slots, in the
   * order of {@link OptimizerBase.slotNames}. Runs inside the step's `tidy`.
   *
   * @param w the variable's value (already multiplied by the weight-decay factor when it is on)
   * @param g its gradient (clipped)
   * @param slots its current slots
   * @param c the step's coefficients as scalars
   */
  protected abstract update(
    w: tf.Tensor,
    g: tf.Tensor,
    slots: tf.Tensor[],
    c: CoefficientScalars,
  ): tf.Tensor[];

  /**
   * The fused form of this optimizer's update for its configuration, or null (tensor ops only).
   * It must compute what {@link OptimizerBase.update} computes.
   */
  protected fusedRule(): FusedRule | null {
    return null;
  }

  /** The value a slot starts at (0 unless overridden, e.g. Adagrad's initial accumulator). */
  protected slotInitialValue(_slot: string): number {
    return 0;
  }

  /**
   * The slots in saved state, in the order they are saved: {@link OptimizerBase.slotNames} unless
   * overridden. A name listed here but not kept is one that TensorFlow.js's layout has and this
   * configuration does not use: it is saved as zeros and ignored on restore (the optimizer must keep
   * at least one slot).
   */
  protected get savedSlotNames(): readonly string[] {
    return this.slotNames;
  }

  /** Multiplies slot `slot` of every variable by `factor` (for state kept relative to a rate). */
  protected scaleSlot(slot: string, factor: number): void {
    const k = this.slotNames.indexOf(slot);
    for (const state of this.slots.values()) {
      const scaled = tf.keep(tf.tidy(() => tf.mul(state[k], factor)));
      state[k].dispose();
      state[k] = scaled;
    }
  }

  private clip(gradients: tf.Tensor[]): tf.Tensor[] {
    if (this.clipValue !== null) return clipByValue(gradients, this.clipValue);
    if (this.clipNorm !== null) return clipByNorm(gradients, this.clipNorm);
    if (this.globalClipNorm !== null) return clipByGlobalNorm(gradients, this.globalClipNorm);
    return gradients;
  }

  private slotsOf(variable: tf.Variable): tf.Tensor[] {
    let state = this.slots.get(variable.name);
    if (!state) {
      state = this.slotNames.map((slot) => {
        const init = this.slotInitialValue(slot);
        return tf.keep(init === 0 ? tf.zerosLike(variable) : tf.fill(variable.shape, init));
      });
      this.slots.set(variable.name, state);
    }
    return state;
  }

  private checkPairs(gradients: readonly VariableGradient[]): void {
    if (!Array.isArray(gradients)) {
      throw new ConfigError('applyGradients expects an array of {variable, gradient} pairs.');
    }
    const seen = new Set<string>();
    for (const pair of gradients) {
      const { variable, gradient } = pair ?? ({} as VariableGradient);
      if (!(variable instanceof tf.Variable) || !(gradient instanceof tf.Tensor)) {
        throw new ConfigError('applyGradients expects {variable: tf.Variable, gradient: tf.Tensor} pairs.');
      }
      if (seen.has(variable.name)) {
        throw new ConfigError(
          `Variable "${variable.name}" appears twice in one applyGradients call; sum its gradients first.`,
        );
      }
      seen.add(variable.name);
      if (!tf.util.arraysEqual(variable.shape, gradient.shape)) {
        throw new ShapeError(
          `The gradient of "${variable.name}" has shape [${gradient.shape}] but the variable has shape [${variable.shape}].`,
        );
      }
      const state = this.slots.get(variable.name);
      if (state?.some((s) => !tf.util.arraysEqual(s.shape, variable.shape))) {
        throw new ShapeError(
          `The restored optimizer state of "${variable.name}" has shape [${state[0].shape}] but the variable has shape [${variable.shape}]; the state belongs to another model.`,
        );
      }
    }
  }

  /**
   * The state: `iter` (the iteration count), then every slot of every variable named
   * `<variable name>/<slot>`, slot by slot (the order TensorFlow.js uses; see
   * {@link OptimizerBase.savedSlotNames}). New tensors; the caller disposes them.
   */
  async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [{ name: 'iter', tensor: tf.scalar(this.iterationCount, 'int32') }];
    for (const slot of this.savedSlotNames) {
      const k = this.slotNames.indexOf(slot);
      for (const [name, state] of this.slots) {
        const tensor = k === -1 ? tf.zerosLike(state[0]) : tf.clone(state[k]);
        out.push({ name: `${name}/${slot}`, tensor });
      }
    }
    return out;
  }

  /**
   * Restores state saved by {@link OptimizerBase.getWeights}, replacing all current state. Copies what
   * it keeps (the caller may dispose the tensors it passes). Checks everything before changing anything.
   * @throws ConfigError when an entry is not one of this optimizer's slots or a variable lacks a slot.
   */
  async setWeights(weights: NamedTensor[]): Promise<void> {
    let iterations = 0;
    const byVariable = new Map<string, Array<tf.Tensor | undefined>>();
    for (const { name, tensor } of weights) {
      if (name === 'iter' || name.endsWith('/iter')) {
        iterations = Math.round((await tensor.data())[0]);
        continue;
      }
      const cut = name.lastIndexOf('/');
      const slot = name.slice(cut + 1);
      if (cut <= 0 || !this.savedSlotNames.includes(slot)) {
        throw new ConfigError(
          `Optimizer state "${name}" is not a slot of this ${this.className} (its slots: ${this.savedSlotNames.join(', ') || 'none'}). ` +
            'The state was saved by a different optimizer or configuration; compile with the same optimizer to restore it.',
        );
      }
      const k = this.slotNames.indexOf(slot);
      if (k === -1) continue; // a slot of TensorFlow.js's layout that this configuration does not use
      const variable = name.slice(0, cut);
      const entry = byVariable.get(variable) ?? this.slotNames.map(() => undefined);
      entry[k] = tensor;
      byVariable.set(variable, entry);
    }
    for (const [variable, entry] of byVariable) {
      const missing = this.slotNames.filter((_, k) => entry[k] === undefined);
      if (missing.length > 0) {
        throw new ConfigError(
          `Optimizer state for "${variable}" lacks slot(s) ${missing.join(', ')}; the saved state is incomplete.`,
        );
      }
    }
    this.clearSlots();
    for (const [variable, entry] of byVariable) {
      this.slots.set(
        variable,
        entry.map((t) => tf.keep(tf.cast(t as tf.Tensor, 'float32'))),
      );
    }
    this.iterationCount = iterations;
  }

  /** The options that rebuild this optimizer (camelCase; saved in the model's training config). */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      learningRate: this.schedule ? serialize(this.schedule) : this.rate,
    };
    if (this.clipNorm !== null) config.clipNorm = this.clipNorm;
    if (this.clipValue !== null) config.clipValue = this.clipValue;
    if (this.globalClipNorm !== null) config.globalClipNorm = this.globalClipNorm;
    if (this.weightDecay > 0) config.weightDecay = this.weightDecay;
    return config;
  }

  /** Frees the state tensors. The optimizer can still be used; its state starts again from zero. */
  dispose(): void {
    this.clearSlots();
    this.scalars.dispose();
  }

  private clearSlots(): void {
    for (const state of this.slots.values()) tf.dispose(state);
    this.slots.clear();
  }
}
