import { ConfigError, type Logs } from '@tensorfold/core';

/** Whether a monitored value should go down (`'min'`), up (`'max'`), or be guessed from its name. */
export type MonitorMode = 'auto' | 'min' | 'max';

/** Where callbacks print their messages. Default `console.log`. */
export type Printer = (line: string) => void;

const lowerIsBetter =
  /(loss|error|crossentropy|hinge|divergence|poisson|cosh|huber|^mse$|^mae$|^mape$|^msle$|^rmse$|^kld$)/i;
const higherIsBetter = /(acc|auc|precision|recall|f1|similarity|iou)/i;

/**
 * The direction of `monitor` (`val_` prefix ignored): `mode` when given; for `'auto'`, min for losses
 * and errors (names holding `loss`, `error`, `crossentropy`, `hinge`, `divergence`, `poisson`, `cosh`,
 * `huber`, or equal to `mse`, `mae`, `mape`, `msle`, `rmse`, `kld`), max for accuracies, AUC,
 * precision, recall, F1, similarity and IoU (names holding `acc`, `auc`, `precision`, `recall`, `f1`,
 * `similarity`, `iou`). Unlike Keras's `ReduceLROnPlateau`, which minimizes every name without `acc`
 * (so `val_auc` too), an unknown name is refused rather than guessed. The README's table lists examples.
 * @throws ConfigError when `'auto'` cannot tell.
 */
export function resolveMode(monitor: string, mode: MonitorMode, who: string): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto')
    throw new ConfigError(`${who} mode must be 'auto', 'min' or 'max', got ${JSON.stringify(mode)}.`);
  const name = monitor.replace(/^val_/, '');
  if (lowerIsBetter.test(name)) return 'min';
  if (higherIsBetter.test(name)) return 'max';
  throw new ConfigError(
    `${who} cannot tell whether "${monitor}" should go up or down; pass mode: 'max' (higher is better) or mode: 'min'.`,
  );
}

/**
 * Reads `monitor` from epoch logs; warns once (through `warn`) when it is missing, naming the keys
 * that are there (usually: validation data was not given for a `val_` key).
 */
export class MonitorReader {
  private warned = false;

  constructor(
    readonly monitor: string,
    private readonly who: string,
    private readonly warn: Printer = console.warn,
  ) {}

  read(logs: Logs | undefined): number | undefined {
    const value = logs?.[this.monitor];
    if (value === undefined && !this.warned) {
      this.warned = true;
      const available = Object.keys(logs ?? {}).join(', ') || 'none';
      this.warn(
        `${this.who} monitors "${this.monitor}", which is not in the logs (available: ${available}).` +
          (this.monitor.startsWith('val_') ? ' Pass validationData or validationSplit to fit.' : ''),
      );
    }
    return value;
  }
}

/**
 * A callback whose state can be saved and restored, so that `backupAndRestore` can resume a run with
 * it exactly where it was (early stopping's patience count, the plateau detector's best value).
 */
export interface StatefulCallback {
  /** The state as plain JSON values. */
  getState(): Record<string, unknown>;
  /** Restores a state returned by {@link StatefulCallback.getState}. */
  setState(state: Record<string, unknown>): void;
}

/** Infinity-safe JSON for states: `Infinity` and `NaN` become strings. */
export function encodeNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

/** The inverse of {@link encodeNumber}. */
export function decodeNumber(x: unknown): number {
  return typeof x === 'number' ? x : Number(x);
}
