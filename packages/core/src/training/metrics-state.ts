import * as tf from '@tensorflow/tfjs-core';
import type { Logs } from './callbacks.js';
import type { CompiledState } from './compile.js';
import { MeanTracker } from './mean-tracker.js';

/**
 * The running values of one pass (an epoch, or an evaluation): the mean loss, per-output losses,
 * the regularization penalty, the compiled metrics and anything a custom step returns. All stay on
 * the device until {@link MetricsState.read}, which fetches them in one transfer.
 */
export class MetricsState {
  readonly loss = new MeanTracker('loss');
  readonly outputLosses: MeanTracker[];
  private regularization: MeanTracker | null = null;
  private readonly custom = new Map<string, MeanTracker>();

  constructor(
    private readonly compiled: CompiledState | null,
    outputNames: string[],
  ) {
    this.outputLosses = outputNames.length > 1 ? outputNames.map((n) => new MeanTracker(`${n}_loss`)) : [];
    // A metric instance passed to compile again was disposed with the previous state: start it afresh.
    for (const m of compiled?.metrics ?? []) m.metric.reset();
  }

  /** Adds a batch's regularization penalty (created on first use, so unregularized models do not log it). */
  updateRegularization(penalty: tf.Scalar, batchSize: number): void {
    this.regularization ??= new MeanTracker('regularization_loss');
    this.regularization.update(penalty, batchSize);
  }

  /** Adds a value returned by a custom training step. */
  updateCustom(name: string, value: tf.Scalar | number, batchSize: number): void {
    let tracker = this.custom.get(name);
    if (!tracker) {
      tracker = new MeanTracker(name);
      this.custom.set(name, tracker);
    }
    if (typeof value === 'number') tf.tidy(() => tracker.update(tf.scalar(value), batchSize));
    else tracker.update(value, batchSize);
  }

  private entries(): Array<[string, { result(): tf.Scalar }]> {
    const out: Array<[string, { result(): tf.Scalar }]> = [];
    // A custom training step that never touches the compiled loss (a GAN's) logs only what it returns,
    // as in Keras, instead of a loss of 0.
    if (this.compiled && (this.loss.updated || this.custom.size === 0)) {
      out.push(['loss', this.loss]);
      for (const t of this.outputLosses) out.push([t.name, t]);
      for (const m of this.compiled.metrics) out.push([m.key, m.metric]);
    }
    if (this.regularization) out.push(['regularization_loss', this.regularization]);
    for (const [name, t] of this.custom) out.push([name, t]);
    return out;
  }

  /** The current values, keys prefixed with `prefix` (e.g. `val_`). One device read. */
  async read(prefix = ''): Promise<Logs> {
    const entries = this.entries();
    if (entries.length === 0) return {};
    // Means already on the host (a training step's loss) need no device read.
    const known = entries.map(([, t]) => (t instanceof MeanTracker ? t.known() : null));
    const onDevice = entries.filter((_, i) => known[i] == null);
    let values: ArrayLike<number> = [];
    if (onDevice.length > 0) {
      const stacked = tf.tidy(() =>
        tf.stack(onDevice.map(([, t]) => tf.reshape(tf.cast(t.result(), 'float32'), []))),
      );
      values = await stacked.data();
      stacked.dispose();
    }
    const logs: Logs = {};
    let next = 0;
    entries.forEach(([name], i) => {
      logs[prefix + name] = known[i] ?? values[next++];
    });
    return logs;
  }

  reset(): void {
    this.loss.reset();
    for (const t of this.outputLosses) t.reset();
    this.regularization?.dispose();
    this.regularization = null;
    for (const t of this.custom.values()) t.dispose();
    this.custom.clear();
    for (const m of this.compiled?.metrics ?? []) m.metric.reset();
  }

  /** Frees every tracker and the compiled metrics' state (a metric reused later starts again at `reset`). */
  dispose(): void {
    this.regularization?.dispose();
    this.regularization = null;
    for (const t of this.custom.values()) t.dispose();
    this.custom.clear();
    this.loss.dispose();
    for (const t of this.outputLosses) t.dispose();
    for (const m of this.compiled?.metrics ?? []) m.metric.dispose();
  }
}
