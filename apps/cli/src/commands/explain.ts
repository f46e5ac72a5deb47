/**
 * `tensorfold explain <saved model> <image.png> --gradcam|--activations|--filters --out DIR`: what a convnet
 * sees in one image, drawn by `@tensorfold/viz` as PNG and SVG pictures in DIR (the Grad-CAM heatmap over
 * the image with a colour bar, the feature maps of each layer, the patterns the filters respond to), plus
 * `explain.json` saying what was drawn. With `--data`, the raw numbers too: `{ "shape": [...], "data": [...] }`
 * JSON files (row-major, channels last).
 */
import { join, resolve } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { ConfigError, makeDirectories, tf, writeAtomically } from '@tensorfold/core/node';
import { activations, filterPattern, gradCam, gradCamLayer } from '@tensorfold/models-cnn';
import { type Figure, featureMaps, filterGrid, heatmapOverlay, writeFigure } from '@tensorfold/viz/node';
import type { Output } from '../output.js';
import { readModelImage } from './explain-image.js';
import { loadSavedModel } from './load-saved.js';

/** Options of `tensorfold explain`. */
export interface ExplainOptions {
  model: string;
  image: string;
  out: string;
  gradcam?: boolean;
  activations?: boolean;
  filters?: boolean;
  /**
   * The layer to explain (Grad-CAM, filters) or to read (activations). Default: the last image layer that
   * every path to the output passes through (models-cnn's `gradCamLayer`) for Grad-CAM and filters; every
   * image layer for activations.
   */
  layer?: string;
  /** Grad-CAM's class, 0-based. Default: the predicted class. */
  class?: number;
  /** Resize the image (and convert its channels) to what the model takes. Default false: a misfit is an error. */
  resize?: boolean;
  /** Gradient ascent steps of --filters. Default 30. */
  steps?: number;
  /** How many filters --filters draws (the first ones). Default 16. */
  count?: number;
  /** Also write the raw numbers as JSON files. Default false. */
  data?: boolean;
}

/** What `explain.json` records. */
export interface ExplainResult {
  model: string;
  image: string;
  /** The class the model predicts, and its probability (or score). */
  predicted: number;
  score: number;
  /** Grad-CAM's class and layer, when --gradcam. */
  gradcam?: { class: number; layer: string; size: number[] };
  /** The layer of --filters, how many of its filters were drawn, and the gradient ascent steps. */
  filters?: { layer: string; drawn: number; of: number; steps: number };
  /** Every file written, pictures and data. */
  files: string[];
}

/** A file name from a layer name (letters, digits, `_`, `-`, `.`). */
function safe(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}

/** Writes what was asked; returns the files written (pictures, data, then `explain.json`'s list). */
export async function explainCommand(options: ExplainOptions, out: Output): Promise<string[]> {
  if (!options.gradcam && !options.activations && !options.filters)
    throw new ConfigError('Say what to show: --gradcam, --activations and/or --filters.');
  const count = options.count ?? 16;
  if (!(Number.isInteger(count) && count >= 1))
    throw new ConfigError(`--count must be a whole number >= 1, got ${count}.`);
  await initBackend({ prefer: 'wasm' });
  const model = await loadSavedModel(options.model);
  const written: string[] = [];
  const dir = resolve(options.out);
  let result: ExplainResult | undefined;
  try {
    const image = readModelImage(options.image, model, options.resize ?? false); // [1, h, w, c]
    try {
      await makeDirectories(dir);
      const picture = async (name: string, fig: Figure) => {
        for (const ext of ['png', 'svg']) {
          const file = join(dir, `${name}.${ext}`);
          await writeFigure(file, fig, { scale: 2 });
          written.push(file);
        }
      };
      const data = async (name: string, t: tf.Tensor) => {
        const file = join(dir, `${name}.json`);
        await writeAtomically(file, JSON.stringify({ shape: t.shape, data: Array.from(await t.data()) }));
        written.push(file);
      };
      const probabilities = model.predict(image) as tf.Tensor; // [1, classes]
      const scores = Array.from(await probabilities.data());
      probabilities.dispose();
      const predicted = scores.indexOf(Math.max(...scores));
      result = { model: options.model, image: options.image, predicted, score: scores[predicted], files: [] };

      if (options.gradcam) {
        const cls = options.class ?? predicted;
        const layer = gradCamLayer(model, options.layer).name;
        const cam = gradCam(model, image, cls, { layerName: layer }); // [h', w'] at the layer's size
        try {
          const size = [...cam.shape];
          const title = `Grad-CAM of class ${cls} at layer ${layer} (${size.join('x')}); predicted ${predicted} (${scores[predicted].toFixed(3)})`;
          await picture(
            `gradcam-class${cls}`,
            await heatmapOverlay(image, cam, { range: [0, 1], heatRange: [0, 1], title }),
          );
          if (options.data) await data(`gradcam-class${cls}`, cam);
          result.gradcam = { class: cls, layer, size };
        } finally {
          cam.dispose();
        }
        out.line(`Predicted class ${predicted}; Grad-CAM of class ${cls} at layer ${layer}.`);
      }

      if (options.activations) {
        const maps = activations(model, image, options.layer ? [options.layer] : undefined);
        try {
          for (const [name, t] of Object.entries(maps)) {
            if (t.rank === 4)
              await picture(
                `activations-${safe(name)}`,
                await featureMaps(t, {
                  title: `Feature maps of ${name}`, // short: a grid of one map is 160 px wide
                }),
              );
            else
              out.line(`Layer ${name} gives [${t.shape.join(', ')}], not feature maps: writing its numbers.`);
            if (options.data || t.rank !== 4) await data(`activations-${safe(name)}`, t);
          }
        } finally {
          tf.dispose(Object.values(maps));
        }
      }

      if (options.filters) {
        const layer = gradCamLayer(model, options.layer).name;
        const filters = model.getLayer(layer).outputShape.at(-1) as number;
        const shown = Math.min(filters, count);
        const steps = options.steps ?? 30;
        result.filters = { layer, drawn: shown, of: filters, steps };
        const patterns: tf.Tensor3D[] = [];
        try {
          for (let f = 0; f < shown; f++) {
            patterns.push(filterPattern(model, layer, f, { steps, seed: f })); // [h, w, c] in [0, 1]
            if (options.data) await data(`filter-${safe(layer)}-${f}`, patterns[f]);
          }
          const grid = tf.stack(patterns, 3); // [h, w, c, filters], as a kernel is laid out
          try {
            const [h, w] = grid.shape;
            await picture(
              `filters-${safe(layer)}`,
              await filterGrid(grid, {
                scale: Math.max(1, Math.round(64 / Math.max(h, w))),
                title: `Filter patterns of ${layer}`,
              }),
            );
          } finally {
            grid.dispose();
          }
        } finally {
          tf.dispose(patterns);
        }
      }
    } finally {
      image.dispose();
    }
  } finally {
    model.dispose();
  }
  result.files = written;
  await writeAtomically(join(dir, 'explain.json'), `${JSON.stringify(result, null, 2)}\n`);
  for (const file of written) out.line(`Wrote ${file}`);
  return written;
}
