/**
 * `tensorfold train <classic neuron> --dataset <name>`: trains a perceptron, Adaline, Madaline or
 * single-layer perceptron by its own rule, printing each epoch's weights and mistakes as the texts do,
 * then the boundary it found and how well it separates the data.
 */
import { join, resolve } from 'node:path';
import { ConfigError, makeDirectories, writeAtomically } from '@tensorfold/core/node';
import {
  type Adaline,
  type AdalineEpoch,
  hyperplane,
  type Madaline,
  type MadalineEpoch,
  type Perceptron,
  type PerceptronEpoch,
  type SingleLayerEpoch,
  type SingleLayerPerceptron,
} from '@tensorfold/models-classic';
import { type ClassicDataset, loadClassicDataset } from '../classic-datasets.js';
import { modelEntry } from '../models.js';
import type { Output } from '../output.js';

/** Options of the classic training path (see `program.ts` for the flags). */
export interface TrainClassicOptions {
  model: string;
  dataset: string;
  epochs?: number;
  lr?: number;
  seed: number;
  out?: string;
  json: boolean;
}

/** What a classic training run reports (also the `--json` line). */
export interface TrainClassicResult {
  model: string;
  dataset: string;
  epochs: number;
  maxEpochs: number;
  learningRate: number;
  seed: number;
  samples: number;
  /** Whether an epoch ended with no mistake (perceptron, Madaline, slp); Adaline has no such stop. */
  converged?: boolean;
  trainAccuracy: number;
  mistakes: number;
  /** The learned weights: `[n]` for one neuron, `[units][n]` for Madaline and slp. */
  weights: number[] | number[][];
  /** The learned bias (one neuron) or biases. */
  bias: number | number[];
  boundary?: string;
  savedTo?: string;
}

/** Runs the classic path of `tensorfold train`. */
export async function trainClassicCommand(
  options: TrainClassicOptions,
  out: Output,
): Promise<TrainClassicResult> {
  const entry = modelEntry(options.model);
  if (!entry.datasets.includes(options.dataset)) {
    throw new ConfigError(
      `${entry.name} does not train on "${options.dataset}"; pass --dataset with one of ${entry.datasets.join(', ')}.`,
    );
  }
  const maxEpochs = options.epochs ?? entry.defaults.epochs;
  const learningRate = options.lr ?? entry.defaults.learningRate;
  const data = await loadClassicDataset(options.dataset, entry.name);
  out.line(`Data: ${data.description}`);
  for (const note of data.notes) out.line(`  ${note}`);
  out.line(
    `Model: ${entry.summary}; at most ${maxEpochs} epochs, learning rate ${learningRate}, seed ${options.seed}`,
  );
  const fit = { epochs: maxEpochs, learningRate, seed: options.seed };

  let result: TrainClassicResult;
  const base = {
    model: entry.name,
    dataset: options.dataset,
    maxEpochs,
    learningRate,
    seed: options.seed,
    samples: data.x.length,
  };
  if (entry.name === 'slp') {
    const model = (await entry.build({ numClasses: data.classNames.length })) as SingleLayerPerceptron;
    const run = model.fit(data.x, data.y, { ...fit, onEpoch: (r) => out.line(slpEpoch(r, data)) });
    const e = model.evaluate(data.x, data.y);
    out.line(
      run.converged ? `Converged after ${run.epochs} epochs.` : `Did not converge in ${run.epochs} epochs.`,
    );
    run.neuronConverged.forEach((ok, j) => {
      const name = data.classNames[j];
      out.line(
        `  neuron ${j + 1} (${name} or not): ${ok ? 'separated' : 'NOT separated'}, ${percent(e.neuronAccuracy[j])} right; hyperplane ${hyperplane(model.weights?.[j] ?? [], model.biases[j])}`,
      );
    });
    out.line(
      `Accuracy (class of the largest w·x + w0): ${percent(e.accuracy)}; exactly the right neuron fires on ${percent(e.strictAccuracy)}; ${e.ambiguous} of ${data.x.length} samples have no or several neurons firing.`,
    );
    if (!run.converged) {
      out.line(
        'One layer of perceptrons draws one hyperplane per class; a class that no hyperplane cuts off from the others (here the ones marked NOT separated) needs a hidden layer (mlp).',
      );
    }
    result = {
      ...base,
      epochs: run.epochs,
      converged: run.converged,
      trainAccuracy: e.accuracy,
      mistakes: Math.round((1 - e.accuracy) * data.x.length),
      weights: model.weights ?? [],
      bias: model.biases,
    };
    await save(model, options, out, result);
    return result;
  }
  if (entry.name === 'madaline') {
    const model = (await entry.build({})) as Madaline;
    const run = model.fit(data.x, data.y, { ...fit, onEpoch: (r) => out.line(madalineEpoch(r)) });
    const e = model.evaluate(data.x, data.y);
    out.line(
      run.converged
        ? `Converged after ${run.epochs} epochs (epoch ${run.epochs} made no mistake).`
        : `Did not converge in ${run.epochs} epochs: MRI can cycle from some starting weights; try another --seed or more --epochs.`,
    );
    out.line('Hidden units and output (v1 = v2 = b3 = 1/2, an OR):');
    const forward = model.forward(data.x);
    data.x.forEach((x, i) => {
      out.line(`  x = (${x.join(', ')}): z = (${forward[i].hidden.join(', ')}) -> y = ${forward[i].output}`);
    });
    out.line(`Training accuracy: ${percent(e.accuracy)} (${e.mistakes} of ${data.x.length} wrong)`);
    result = {
      ...base,
      epochs: run.epochs,
      converged: run.converged,
      trainAccuracy: e.accuracy,
      mistakes: e.mistakes,
      weights: model.weights ?? [],
      bias: model.biases,
    };
    await save(model, options, out, result);
    return result;
  }
  // One neuron: perceptron or Adaline.
  let model: Perceptron | Adaline;
  let converged: boolean | undefined;
  let epochs: number;
  if (entry.name === 'perceptron') {
    const p = (await entry.build({ inputShape: [data.x[0].length], ...data.start })) as Perceptron;
    if (p.weights) out.line(`Start: w = ${list(p.weights)}, w0 = ${num(p.bias)}`);
    const run = p.fit(data.x, data.y, { ...fit, onEpoch: (r) => out.line(perceptronEpoch(r)) });
    out.line(
      run.converged
        ? `Converged after ${run.epochs} epochs (epoch ${run.epochs} made no mistake, so the weights no longer change).`
        : `Did not converge in ${run.epochs} epochs: the last epoch still made ${run.history.at(-1)?.mistakes} mistakes. If no line (hyperplane) separates the classes, it never will (try: tensorfold logic ${options.dataset === 'xor' ? 'xor' : 'and'}).`,
    );
    model = p;
    converged = run.converged;
    epochs = run.epochs;
  } else {
    const a = (await entry.build({})) as Adaline;
    const run = a.fit(data.x, data.y, { ...fit, onEpoch: (r) => out.line(adalineEpoch(r)) });
    model = a;
    epochs = run.epochs;
  }
  const weights = model.weights ?? [];
  const boundary = hyperplane(weights, model.bias);
  out.line(`Boundary: ${boundary}, with ${data.featureNames.map((f, i) => `x${i + 1} = ${f}`).join(', ')}`);
  out.line(
    `  class ${data.classNames[0]} (+1) where the left side is >= 0, class ${data.classNames[1]} (-1) below it`,
  );
  const e = model.evaluate(data.x, data.y);
  out.line(`Training accuracy: ${percent(e.accuracy)} (${e.mistakes} of ${data.x.length} misclassified)`);
  if (data.queries) {
    const predicted = model.predict(data.queries);
    const said = data.queries.map(
      (q, i) =>
        `(${q.join(', ')}) -> ${predicted[i] > 0 ? '+1' : '-1'} (${data.classNames[predicted[i] > 0 ? 0 : 1]})`,
    );
    out.line(`Unknown samples: ${said.join(', ')}`);
  }
  result = {
    ...base,
    epochs,
    ...(converged === undefined ? {} : { converged }),
    trainAccuracy: e.accuracy,
    mistakes: e.mistakes,
    weights,
    bias: model.bias,
    boundary,
  };
  await save(model, options, out, result);
  return result;
}

/** Writes the model's JSON to `<out>/model.json` (atomically), when `--out` was given. */
async function save(
  model: { toJSON(): unknown },
  options: TrainClassicOptions,
  out: Output,
  result: TrainClassicResult,
): Promise<void> {
  if (!options.out) return;
  const dir = resolve(options.out);
  await makeDirectories(dir);
  const path = join(dir, 'model.json');
  await writeAtomically(path, `${JSON.stringify(model.toJSON(), null, 2)}\n`);
  result.savedTo = path;
  out.line(`Saved the model to ${path} (load it with ${model.constructor.name}.fromJSON)`);
}

function perceptronEpoch(r: PerceptronEpoch): string {
  return `Epoch ${r.epoch}: w = ${list(r.weights)}, w0 = ${num(r.bias)}, mistakes ${r.mistakes}`;
}

function adalineEpoch(r: AdalineEpoch): string {
  return `Epoch ${r.epoch}: w = ${list(r.weights)}, w0 = ${num(r.bias)}, mse ${r.mse.toFixed(4)}, mistakes ${r.mistakes}`;
}

function madalineEpoch(r: MadalineEpoch): string {
  const units = r.weights.map((w, j) => `Z${j + 1} w = ${list(w)}, b = ${num(r.biases[j])}`);
  return `Epoch ${r.epoch}: ${units.join('; ')}; mistakes ${r.mistakes}`;
}

function slpEpoch(r: SingleLayerEpoch, data: ClassicDataset): string {
  const each = r.neuronMistakes.map((m, j) => `${data.classNames[j]} ${m}`).join(', ');
  return `Epoch ${r.epoch}: mistakes ${r.mistakes} (per neuron: ${each})`;
}

/** A number with at most 6 significant digits (floating-point noise rounded away: -27.72, not -27.720000000000002). */
function num(v: number): string {
  return String(Number(v.toPrecision(6)));
}

function list(values: readonly number[]): string {
  return `[${values.map(num).join(', ')}]`;
}

function percent(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}
