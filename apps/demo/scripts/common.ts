/**
 * What the demo's training scripts share: where the weights go (`apps/demo/public/models/<name>/`, served
 * by the site as static files), and the record of each run (`training.json` beside the weights, which the
 * page shows: the command, the data and the result).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `apps/demo/public/`: Vite copies it into the built site as it is. */
export const PUBLIC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'public');

/** The folder of one shipped model, created if missing. */
export function modelDir(name: string): string {
  const dir = join(PUBLIC, 'models', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** What a script records about its run. */
export interface TrainingRecord {
  /** The command that made the weights, from the repository root. */
  command: string;
  /** The data it trained on. */
  data: string;
  /** Wall time of the training, seconds. */
  seconds: number;
  /** Its measured results (held-out numbers). */
  result: Record<string, number | string>;
}

/** Writes `file` atomically (a temporary file renamed over it). */
export function writeAtomic(file: string, content: string | Uint8Array): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/** Writes `training.json` of a model folder and prints it. */
export function record(dir: string, rec: TrainingRecord): void {
  writeAtomic(join(dir, 'training.json'), `${JSON.stringify(rec, null, 2)}\n`);
  console.log(JSON.stringify(rec));
}
