import { existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileSystem, loadModel, MODEL_JSON } from '@tensorfold/core/node';
import { MODEL_CATALOG } from '../catalog.js';
import { modelEntry } from '../models.js';
import type { Output } from '../output.js';

/**
 * `tensorfold summary <model | directory | model.json>`: the Keras-style table of a built-in model, or of
 * a model saved in a directory (`model.json` and weight shards), named by the directory or its
 * `model.json`. A path that holds no model raises core's `SerializationError`.
 */
export async function summaryCommand(target: string, out: Output): Promise<void> {
  if (!(target.toLowerCase() in MODEL_CATALOG) && existsSync(target)) {
    const isModelJson = statSync(target).isFile() && basename(target) === MODEL_JSON;
    const model = await loadModel(fileSystem(isModelJson ? dirname(target) : target));
    try {
      model.summary({ print: out.line });
    } finally {
      model.dispose();
    }
    return;
  }
  const model = modelEntry(target).build(10);
  try {
    model.summary({ print: out.line });
  } finally {
    model.dispose();
  }
}
