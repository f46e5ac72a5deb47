/**
 * `tensorfold explain <saved model> <image.png> --gradcam|--activations|--filters --out DIR`: what a convnet
 * sees in one image, written as raw data until `@tensorfold/viz` draws it: each result is a JSON file
 * `{ "shape": [...], "data": [...] }` (row-major, channels last) in DIR, plus `explain.json` listing them.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import {
  ConfigError,
  DataError,
  type Model,
  makeDirectories,
  tf,
  writeAtomically,
} from '@tensorfold/core/node';
import { decodeImage } from '@tensorfold/data';
import { activations, filterPattern, fitImage, gradCam } from '@tensorfold/models-cnn';
import type { Output } from '../output.js';
import { loadSavedModel } from './load-saved.js';

/** Options of `tensorfold explain`. */
export interface ExplainOptions {
  model: string;
  image: string;
  out: string;
  gradcam?: boolean;
  activations?: boolean;
  filters?: boolean;
  /** The layer to explain (Grad-CAM, filters) or to read (activations). Default: Grad-CAM's last conv layer; every image layer. */
  layer?: string;
  /** Grad-CAM's class. Default: the predicted class. */
  class?: number;
  /** Resize the image (and convert its channels) to what the model takes. */
  resize?: boolean;
  /** Gradient ascent steps of --filters. Default 30. */
  steps?: number;
}

/** Writes what was asked; returns the files written. */
export async function explainCommand(options: ExplainOptions, out: Output): Promise<string[]> {
  if (!options.gradcam && !options.activations && !options.filters)
    throw new ConfigError('Say what to show: --gradcam, --activations and/or --filters.');
  await initBackend({ prefer: 'wasm' });
  const model = await loadSavedModel(options.model);
  const written: string[] = [];
  const dir = resolve(options.out);
  try {
    const image = readImage(options.image, model, options.resize ?? false);
    try {
      await makeDirectories(dir);
      const write = async (name: string, t: tf.Tensor) => {
        const file = join(dir, `${name}.json`);
        await writeAtomically(file, JSON.stringify({ shape: t.shape, data: Array.from(await t.data()) }));
        written.push(file);
      };
      if (options.activations) {
        const maps = activations(model, image, options.layer ? [options.layer] : undefined);
        try {
          for (const [name, t] of Object.entries(maps)) await write(`activations-${name}`, t);
        } finally {
          tf.dispose(Object.values(maps));
        }
      }
      if (options.gradcam) {
        const probabilities = model.predict(image) as tf.Tensor;
        const predicted = (await tf.argMax(probabilities, 1).data())[0];
        probabilities.dispose();
        const cls = options.class ?? predicted;
        const cam = gradCam(model, image, cls, { layerName: options.layer, size: 'input' });
        await write(`gradcam-class${cls}`, cam);
        cam.dispose();
        out.line(`Predicted class ${predicted}; Grad-CAM of class ${cls}.`);
      }
      if (options.filters) {
        const layer = options.layer ?? lastImageLayer(model);
        const filters = model.getLayer(layer).outputShape.at(-1) as number;
        for (let f = 0; f < Math.min(filters, 16); f++) {
          const pattern = filterPattern(model, layer, f, { steps: options.steps ?? 30, seed: f });
          await write(`filter-${layer}-${f}`, pattern);
          pattern.dispose();
        }
      }
    } finally {
      image.dispose();
    }
  } finally {
    model.dispose();
  }
  await writeAtomically(
    join(dir, 'explain.json'),
    `${JSON.stringify({ model: options.model, image: options.image, files: written }, null, 2)}\n`,
  );
  for (const file of written) out.line(`Wrote ${file}`);
  return written;
}

function lastImageLayer(model: Model): string {
  const layer = [...model.layers]
    .reverse()
    .find((l) => (l.outputShape as unknown[]).length === 4 && l !== model.layers[0]);
  if (!layer) throw new ConfigError(`Model "${model.name}" has no layer with image output to show.`);
  return layer.name;
}

/** The image as `[1, h, w, c]` in [0, 1], checked against (or, with `resize`, fitted to) the model's input. */
function readImage(path: string, model: Model, resize: boolean): tf.Tensor4D {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DataError(`Cannot read the image ${path}: ${(error as Error).message}.`, { cause: error });
  }
  const decoded = decodeImage(bytes, { source: path });
  const image = tf.tidy(() =>
    tf.div(tf.tensor3d(decoded.data, [decoded.height, decoded.width, decoded.channels], 'float32'), 255),
  );
  const [, h, w, c] = model.inputs[0].shape;
  if (decoded.height === h && decoded.width === w && decoded.channels === c)
    return tf.tidy(() => tf.expandDims(image, 0) as tf.Tensor4D);
  try {
    if (!resize)
      throw new DataError(
        `${path} is ${decoded.width}x${decoded.height} with ${decoded.channels} channel(s), but the model takes ${w}x${h} with ${c}: pass --resize to resize it and convert its channels.`,
      );
    return tf.tidy(() =>
      fitImage(decoded.channels === 4 ? tf.slice(image, [0, 0, 0], [-1, -1, 3]) : image, model),
    );
  } finally {
    image.dispose();
  }
}
