import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileSystem, loadModel } from '@tensorfold/core/node';
import { modelEntry } from '../models.js';
import type { Output } from '../output.js';

/**
 * `tensorfold summary <model | directory>`: the Keras-style table of a built-in model, or of a model saved
 * in a directory (`model.json` and weight shards).
 */
export async function summaryCommand(target: string, out: Output): Promise<void> {
  if (existsSync(join(target, 'model.json'))) {
    const model = await loadModel(fileSystem(target));
    model.summary({ print: out.line });
    return;
  }
  modelEntry(target).build(10).summary({ print: out.line });
}
