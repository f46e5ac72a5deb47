import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileSystem, loadModel, type Model } from '@tensorfold/core/node';

/** Loads a model saved by `tensorfold train --out` (its directory or its `model.json`). */
export async function loadSavedModel(path: string): Promise<Model> {
  // Rebuilding a saved model needs its layer classes registered by name.
  await import('@tensorfold/layers');
  const target = resolve(path);
  const dir = existsSync(target) && statSync(target).isFile() ? dirname(target) : target;
  return loadModel(fileSystem(dir), { compile: false });
}
