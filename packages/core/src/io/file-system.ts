import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SerializationError } from '../errors.js';
import { artifactsInfo } from '../serialization/save-load.js';
import { makeDirectories } from './make-directories.js';

/** The file that describes a saved model. */
export const MODEL_JSON = 'model.json';
/** Weight shards are at most this many bytes (as tfjs writes them, so browsers can cache them). */
export const SHARD_BYTES = 4 * 1024 * 1024;
const SHARD_PATTERN = /^group\d+-shard\d+of\d+(\.[0-9a-f]+)?\.bin$/;
/** The suffix {@link writeAtomically} gives its temporary files: the writing process's id and a nonce. */
const TEMP_SUFFIX = /\.tmp-(\d+)-[0-9a-f]{8}$/;

/**
 * A Node IO handler for a directory holding `model.json` and its weight shards.
 *
 * Saving is atomic: shards are written under names that include a hash of their content, then
 * `model.json` is written to a temporary file and renamed over the old one. A crash at any moment
 * leaves either the old model or the new one, never a mix; shards the new `model.json` no longer
 * uses are removed afterwards.
 *
 * Loading checks that `model.json` parses, that every shard it lists exists, and that the sizes
 * add up, and raises a {@link SerializationError} naming the file and the fix otherwise.
 *
 * @example
 * import { fileSystem } from '@tensorfold/core/node';
 * await model.save(fileSystem('./runs/mnist'));
 */
export function fileSystem(directory: string): tf.io.IOHandler {
  const dir = resolve(directory);
  return {
    save: (artifacts) => saveToDirectory(dir, artifacts),
    load: () => loadFromDirectory(dir),
  };
}

async function saveToDirectory(dir: string, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
  await makeDirectories(dir);
  const data = artifacts.weightData
    ? new Uint8Array(new tf.io.CompositeArrayBuffer(artifacts.weightData).slice())
    : new Uint8Array(0);
  const hash = createHash('sha256').update(data).digest('hex').slice(0, 12);
  const count = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `group1-shard${i + 1}of${count}.${hash}.bin`;
    await writeAtomically(
      join(dir, name),
      data.subarray(i * SHARD_BYTES, Math.min(data.byteLength, (i + 1) * SHARD_BYTES)),
    );
    paths.push(name);
  }
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
  await writeAtomically(join(dir, MODEL_JSON), JSON.stringify(modelJson));
  for (const file of await fs.readdir(dir)) {
    const unusedShard = SHARD_PATTERN.test(file) && !paths.includes(file);
    const strandedShard = isStrandedTemp(file) && SHARD_PATTERN.test(file.replace(TEMP_SUFFIX, ''));
    if (unusedShard || strandedShard) await fs.rm(join(dir, file), { force: true });
  }
  return { modelArtifactsInfo: artifactsInfo(artifacts) };
}

/**
 * Writes to a temporary file in the same directory, flushes it, then renames it into place. The
 * temporary file is removed when anything fails; those a killed process left beside `path` are
 * removed after the next successful write.
 */
export async function writeAtomically(path: string, content: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, path);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  const target = basename(path);
  for (const file of await fs.readdir(dirname(path))) {
    if (file.replace(TEMP_SUFFIX, '') === target && isStrandedTemp(file)) {
      await fs.rm(join(dirname(path), file), { force: true });
    }
  }
}

/** Whether `file` is a temporary file of {@link writeAtomically} whose process no longer runs. */
function isStrandedTemp(file: string): boolean {
  const match = TEMP_SUFFIX.exec(file);
  if (match == null) return false;
  const pid = Number(match[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0); // signal 0 only asks whether the process exists
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function loadFromDirectory(dir: string): Promise<tf.io.ModelArtifacts> {
  const jsonPath = join(dir, MODEL_JSON);
  let text: string;
  try {
    text = await fs.readFile(jsonPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SerializationError(
      code === 'ENOENT'
        ? `No model at ${dir}: ${MODEL_JSON} does not exist. Pass the directory the model was saved to.`
        : `Cannot read ${jsonPath}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SerializationError(
      `${jsonPath} is not valid JSON (${(error as Error).message}); the file is corrupt. Re-save the model.`,
      { cause: error },
    );
  }
  if (json == null || typeof json !== 'object' || json.modelTopology == null) {
    throw new SerializationError(
      `${jsonPath} has no "modelTopology"; it is not a saved model. Re-save the model.`,
    );
  }
  const manifest = json.weightsManifest ?? [];
  if (
    !Array.isArray(manifest) ||
    manifest.some((g) => !Array.isArray(g?.paths) || !Array.isArray(g?.weights))
  ) {
    throw new SerializationError(
      `${jsonPath} has a malformed "weightsManifest" (each group needs "paths" and "weights"). Re-save the model.`,
    );
  }
  for (const [g, group] of manifest.entries())
    for (const path of group.paths as unknown[]) {
      const inside = typeof path === 'string' && path.length > 0 && !isAbsolute(path);
      if (!inside || relative(dir, join(dir, path)).startsWith('..'))
        throw new SerializationError(
          `${jsonPath} lists weight shard ${JSON.stringify(path)} in "weightsManifest"[${g}].paths; a shard path must be a file name inside the model's directory. Re-save the model.`,
        );
    }
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    for (const path of group.paths) {
      const shardPath = join(dir, path);
      try {
        const bytes = await fs.readFile(shardPath);
        buffers.push(
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
        );
      } catch (error) {
        throw new SerializationError(
          `Weight shard ${shardPath}, listed in ${jsonPath}, cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Restore the file or re-save the model.`,
          { cause: error },
        );
      }
    }
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: manifest.flatMap((g) => g.weights),
    weightData: tf.io.concatenateArrayBuffers(buffers),
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
  };
}

let routersRegistered = false;

/** Makes `file://dir` URLs work with `saveModel`/`loadModel`/`model.save` (as tfjs-node does). */
export function registerFileRouters(): void {
  if (routersRegistered) return;
  routersRegistered = true;
  const router = (url: string | string[]) => {
    const u = Array.isArray(url) ? url[0] : url;
    // tfjs routers answer null for URLs they do not handle, though the type says otherwise.
    return (
      typeof u === 'string' && u.startsWith('file://') ? fileSystem(u.slice('file://'.length)) : null
    ) as tf.io.IOHandler;
  };
  tf.io.registerSaveRouter(router);
  tf.io.registerLoadRouter(router);
}
