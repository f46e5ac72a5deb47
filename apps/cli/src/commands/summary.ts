import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import type { Model } from '@tensorfold/core';
import { fileSystem, loadModel, MODEL_JSON, SerializationError } from '@tensorfold/core/node';
import { MODEL_CATALOG } from '../catalog.js';
import { modelEntry } from '../models.js';
import type { Output } from '../output.js';

/**
 * `tensorfold summary <model | directory | model.json>`: the Keras-style table of a built-in model, or of
 * a model saved in a directory (`model.json` and weight shards), named by the directory or its
 * `model.json`. A path that holds no model raises core's `SerializationError`.
 */
export async function summaryCommand(
  target: string,
  out: Output,
  options: { diagram?: string } = {},
): Promise<void> {
  // Building or loading a model creates its weights, which needs a backend. WASM starts at once and,
  // unlike tfjs's CPU backend in Node, prints no advice to install tfjs-node; TENSORFOLD_BACKEND still
  // decides when set.
  await initBackend({ prefer: 'wasm' });
  if (!(target.toLowerCase() in MODEL_CATALOG) && existsSync(target)) {
    const isFile = statSync(target).isFile();
    if (isFile && basename(target) !== MODEL_JSON) {
      throw new SerializationError(
        `${resolve(target)} is a file but not a ${MODEL_JSON}; pass a saved model's directory or its ${MODEL_JSON}.`,
      );
    }
    // Rebuilding a saved model needs its layer classes registered by name (a GAN's or VAE's too).
    await import('@tensorfold/layers');
    await import('@tensorfold/models-gan');
    // The table needs the structure only: a model saved after its training diverged still shows.
    const model = await loadModel(fileSystem(isFile ? dirname(target) : target), { allowNonFinite: true });
    try {
      model.summary({ print: out.line });
      if (options.diagram) await writeDiagram(model, options.diagram, out);
    } finally {
      model.dispose();
    }
    return;
  }
  // Each model's own defaults: 10 classes for the digit models, Keras's 1,000 for the applications.
  const model = (await modelEntry(target).build({})) as {
    summary: Model['summary'];
    dispose(): void;
  };
  try {
    model.summary({ print: out.line });
    if (options.diagram) await writeDiagram(model as unknown as Model, options.diagram, out);
  } finally {
    model.dispose();
  }
}

/** Writes the layer graph of `model` (viz's `modelDiagram`) to an `.svg` or `.png` file. */
async function writeDiagram(model: Model, file: string, out: Output): Promise<void> {
  const { modelDiagram, writeFigure } = await import('@tensorfold/viz/node');
  await writeFigure(file, modelDiagram(model), { scale: file.toLowerCase().endsWith('.png') ? 2 : 1 });
  out.line(`Wrote the model diagram to ${resolve(file)}`);
}
