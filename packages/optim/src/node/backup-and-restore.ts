import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Callback, ConfigError, globalRandom, type Model, SerializationError, tf } from '@tensorfold/core';
import { makeDirectories, writeAtomically } from '@tensorfold/core/node';
import type { StatefulCallback } from '../callbacks/monitor.js';
import { type BackupHeader, decodeBackup, encodeBackup } from './backup-file.js';

/** Options of {@link backupAndRestore}. */
export interface BackupAndRestoreArgs {
  /** Directory for the backup (one file, `backup.bin`). Use one directory per training run. */
  backupDir: string;
  /** Delete the backup when training ends normally. Default `true`. */
  deleteCheckpoint?: boolean;
  /**
   * Callbacks whose state is saved too (`earlyStopping`, `reduceLROnPlateau`), so they carry on
   * where they were. Their best weights (`restoreBestWeights`) are not saved. List
   * `backupAndRestore` after them in `fit`'s callbacks, so that it saves what they did at the end
   * of the epoch.
   */
  callbacks?: StatefulCallback[];
  /** Where the warning about callback order goes. Default `console.warn`. */
  warn?: (line: string) => void;
}

/**
 * Makes a training run survive being killed (Keras's `BackupAndRestore`). After every epoch it saves,
 * in one atomically written file: the weights, the optimizer's state (moments, iteration count,
 * learning rate), the epoch, the state of every random generator training draws from (the model's
 * dropout and noise layers, and the global `setSeed` generator), and the state of the callbacks
 * listed in `callbacks`. When `fit` starts and a backup exists, it restores all of that and `fit`
 * continues after the last completed epoch, so that the resumed run ends with exactly the weights of
 * an uninterrupted run with the same seed (`fit` derives each epoch's shuffle order from the seed
 * and the epoch). Put it last in the callbacks list: it saves at the end of each epoch what the
 * callbacks before it have done (a reduced learning rate, a patience count). Saving resumes at epoch
 * boundaries only. Node only.
 *
 * Weights are restored by name, or, when the names differ, by structure (as Keras 3 does): a model
 * rebuilt in the same process gets new automatic layer names (`dense_29` becomes `dense_31`), and its
 * weights are matched in order, checking that each has the same short name and shape; a model of
 * another structure is refused with a {@link SerializationError} listing both.
 *
 * @example
 * await model.fit(x, y, { epochs: 20, seed: 1, callbacks: [backupAndRestore({ backupDir: 'runs/backup' })] });
 */
export class BackupAndRestore extends Callback {
  readonly backupDir: string;
  readonly deleteCheckpoint: boolean;
  /** The epoch (0-based) the last run resumed after, or null when it started fresh. */
  resumedAfterEpoch: number | null = null;
  private readonly tracked: StatefulCallback[];
  private pendingCallbackStates: Array<Record<string, unknown>> | null = null;
  private savedStates: string | null = null;
  private warned = false;
  private readonly warn: (line: string) => void;

  constructor(args: BackupAndRestoreArgs) {
    super();
    if (typeof args?.backupDir !== 'string' || args.backupDir === '') {
      throw new ConfigError(
        'backupAndRestore needs a backupDir, e.g. backupAndRestore({ backupDir: "runs/backup" }).',
      );
    }
    this.backupDir = args.backupDir;
    this.deleteCheckpoint = args.deleteCheckpoint ?? true;
    this.tracked = args.callbacks ?? [];
    this.warn = args.warn ?? console.warn;
    for (const c of this.tracked) {
      if (typeof c?.getState !== 'function' || typeof c?.setState !== 'function') {
        throw new ConfigError(
          'backupAndRestore callbacks must have getState() and setState() (earlyStopping, reduceLROnPlateau).',
        );
      }
    }
  }

  /** The backup file. */
  get path(): string {
    return join(this.backupDir, 'backup.bin');
  }

  override async onTrainBegin(): Promise<void> {
    this.resumedAfterEpoch = null;
    this.pendingCallbackStates = null;
    this.savedStates = null;
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const header = await restore(this.model, bytes, this.path, this.tracked.length);
    this.pendingCallbackStates = header.callbackStates;
    this.resumedAfterEpoch = header.epoch;
    this.model.resumeFromEpoch = header.epoch + 1;
  }

  override onEpochBegin(): void {
    // Applied here, after every callback's onTrainBegin (which resets their state) has run.
    if (this.pendingCallbackStates !== null) {
      this.tracked.forEach((c, i) => {
        c.setState(this.pendingCallbackStates?.[i] ?? {});
      });
      this.pendingCallbackStates = null;
    }
    if (this.savedStates !== null && !this.warned && this.savedStates !== this.trackedStates()) {
      this.warned = true;
      this.warn(
        'backupAndRestore saved the state of its tracked callbacks before they finished the epoch, so a resumed run would differ. List backupAndRestore after them in the callbacks of fit.',
      );
    }
  }

  private trackedStates(): string {
    return JSON.stringify(this.tracked.map((c) => c.getState()));
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    const model = this.model;
    const optimizer = model.optimizer;
    const weights = model.weights;
    const pathOf = new Map(weights.map((w) => [w.variable.name, w.path]));
    const state = await optimizer.getWeights();
    try {
      const modelPart = await tf.io.encodeWeights(weights.map((w) => ({ name: w.path, tensor: w.read() })));
      const optimizerPart = await tf.io.encodeWeights(
        state.map((s) => ({ name: renameState(s.name, pathOf), tensor: s.tensor })),
        'optimizer',
      );
      const schedule = (optimizer as { learningRateSchedule?: unknown }).learningRateSchedule;
      const header: BackupHeader = {
        format: 1,
        epoch,
        learningRate: schedule ? null : optimizer.learningRate,
        weightSpecs: [...modelPart.specs, ...optimizerPart.specs],
        randomStates: model.randomGenerators.map((g) => g.state()),
        globalRandomState: globalRandom().state(),
        callbackStates: this.tracked.map((c) => c.getState()),
      };
      await makeDirectories(this.backupDir);
      const data = tf.io.concatenateArrayBuffers([modelPart.data, optimizerPart.data]);
      await writeAtomically(this.path, encodeBackup(header, data));
      this.savedStates = JSON.stringify(header.callbackStates);
    } finally {
      tf.dispose(state.map((s) => s.tensor));
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (!this.deleteCheckpoint) return;
    await fs.rm(this.path, { force: true });
    await fs.rmdir(this.backupDir).catch(() => undefined); // only if now empty
  }
}

/** `variable_7/m` -> `dense/kernel/m`: optimizer state named by weight path, stable across processes. */
function renameState(name: string, pathOf: Map<string, string>): string {
  const cut = name.lastIndexOf('/');
  if (cut <= 0) return name;
  const path = pathOf.get(name.slice(0, cut));
  return path === undefined ? name : path + name.slice(cut);
}

/**
 * Puts a backup into `model`: checks everything first (weights, shapes, generator count, constant or
 * scheduled learning rate, the optimizer's slots), then sets optimizer state, learning rate, weights
 * and random generators. Returns the header.
 */
async function restore(
  model: Model,
  bytes: Uint8Array,
  path: string,
  callbackCount: number,
): Promise<BackupHeader> {
  const { header, data } = decodeBackup(bytes, path);
  const values = tf.io.decodeWeights(data, header.weightSpecs);
  try {
    const fix = `It was saved by a different model; delete ${path} to start from scratch.`;
    const weights = model.weights;
    const modelSpecs = header.weightSpecs.filter((s) => s.group !== 'optimizer');
    const matched = matchWeights(weights, modelSpecs, path, fix); // saved name -> model weight
    for (const [name, w] of matched) {
      if (!tf.util.arraysEqual(values[name].shape, w.shape)) {
        throw new SerializationError(
          `Weight "${w.path}" has shape [${w.shape}] in the model but its backup "${name}" has [${values[name].shape}]. ${fix}`,
        );
      }
    }
    const generators = model.randomGenerators;
    if (generators.length !== header.randomStates.length) {
      throw new SerializationError(
        `The backup holds ${header.randomStates.length} random generator states but the model has ${generators.length}. ${fix}`,
      );
    }
    if (header.callbackStates.length !== callbackCount) {
      throw new SerializationError(
        `The backup holds the state of ${header.callbackStates.length} callbacks but backupAndRestore tracks ${callbackCount}; pass the same callbacks as the run that wrote it.`,
      );
    }
    const scheduled = (model.optimizer as { learningRateSchedule?: unknown }).learningRateSchedule != null;
    if (scheduled !== (header.learningRate === null)) {
      throw new SerializationError(
        `The backup in ${path} was saved by an optimizer ${header.learningRate === null ? 'following a learning-rate schedule' : 'with a constant learning rate'}, but this one ${scheduled ? 'follows a learning-rate schedule' : 'has a constant rate'}; compile with the optimizer of the run that wrote it, or delete ${path} to start from scratch.`,
      );
    }
    const variableOf = new Map([...matched].map(([name, w]) => [name, w.variable.name]));
    const optimizerState = header.weightSpecs
      .filter((s) => s.group === 'optimizer')
      .map((s) => {
        const cut = s.name.lastIndexOf('/');
        const variable = cut > 0 ? variableOf.get(s.name.slice(0, cut)) : undefined;
        return { name: variable ? variable + s.name.slice(cut) : s.name, tensor: values[s.name] };
      });
    const optimizer = model.optimizer;
    await optimizer.setWeights(optimizerState); // checks the state before changing anything
    if (header.learningRate !== null && optimizer.learningRate !== header.learningRate) {
      // Optimizers that keep state relative to the rate (SGD's momentum) rescale it when the rate is
      // set; the saved state is relative to the saved rate already, so it is put back once more.
      optimizer.learningRate = header.learningRate;
      await optimizer.setWeights(optimizerState);
    }
    for (const [name, w] of matched) w.write(values[name]);
    generators.forEach((g, i) => {
      g.setState(header.randomStates[i]);
    });
    globalRandom().setState(header.globalRandomState);
    return header;
  } finally {
    tf.dispose(Object.values(values));
  }
}

/**
 * Which model weight each saved weight goes to. By name when the names are the same (in any order);
 * otherwise by structure, as Keras 3 restores: the i-th saved weight goes to the model's i-th weight,
 * provided both have as many weights and each pair has the same short name (`kernel`, `bias`). So a
 * model rebuilt in the same process, whose automatic layer names have moved on (`dense_29` became
 * `dense_31`), resumes; shapes are checked by the caller.
 * @throws SerializationError listing both structures when they differ.
 */
function matchWeights(
  weights: Model['weights'],
  specs: tf.io.WeightsManifestEntry[],
  path: string,
  fix: string,
): Map<string, Model['weights'][number]> {
  const byPath = new Map(weights.map((w) => [w.path, w]));
  if (specs.length === weights.length && specs.every((s) => byPath.has(s.name)))
    return new Map(specs.map((s) => [s.name, byPath.get(s.name) as Model['weights'][number]]));
  const short = (name: string) => name.slice(name.lastIndexOf('/') + 1);
  const differs =
    specs.length !== weights.length || specs.some((s, i) => short(s.name) !== short(weights[i].path));
  if (differs) {
    const list = (names: string[]) => (names.length > 0 ? names.join(', ') : 'none');
    throw new SerializationError(
      `The backup in ${path} does not match the model: neither the weight names nor the structure agree (the backup holds ${specs.length} weights: ${list(specs.map((s) => s.name))}; the model has ${weights.length}: ${list(weights.map((w) => w.path))}). ${fix}`,
    );
  }
  return new Map(specs.map((s, i) => [s.name, weights[i]]));
}

/** Survive a killed training run (see {@link BackupAndRestore}). */
export function backupAndRestore(args: BackupAndRestoreArgs): BackupAndRestore {
  return new BackupAndRestore(args);
}
