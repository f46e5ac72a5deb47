import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically } from '@tensorfold/core/node';
import { checkLogdir } from './event-file.js';
import {
  formatMetadataTsv,
  formatProjectorConfig,
  formatTensorTsv,
  PROJECTOR_CONFIG,
  type ProjectorEmbedding,
  parseProjectorConfig,
} from './projector-format.js';

/** One embedding to write: `n` points of `d` values, row-major, with an optional label per point. */
export interface EmbeddingSnapshot {
  /** The embedding's name (a layer's name); the config names it `<name>/step-<step>`. */
  name: string;
  step: number;
  /** `[n, d]` row-major. */
  vectors: ArrayLike<number>;
  n: number;
  d: number;
  /** One label per point (written to `metadata.tsv`). Default: none. */
  labels?: readonly string[];
}

/** Folder-safe form of a name (layer names hold `/` in nested models). */
const safe = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * Writes embeddings for TensorBoard's projector into a run folder, as its plugin lays them out:
 * `embeddings/<name>/<step>/tensors.tsv` and `metadata.tsv`, listed in `projector_config.pbtxt` beside the
 * event files. Each file is written atomically and the config last, so a killed run leaves a config whose
 * every file is whole. A config already in the folder (a run resumed) keeps its other entries.
 */
export class ProjectorWriter {
  private readonly entries: ProjectorEmbedding[] = [];

  private constructor(readonly dir: string) {
    const path = join(dir, PROJECTOR_CONFIG);
    if (existsSync(path)) this.entries.push(...parseProjectorConfig(readFileSync(path, 'utf8')));
  }

  /** A writer on `dir` (created if missing). @throws ConfigError when it cannot be written. */
  static async open(dir: string): Promise<ProjectorWriter> {
    return new ProjectorWriter(await checkLogdir(dir));
  }

  /** Writes one snapshot's files and the config listing it with the earlier ones. */
  async write(snapshot: EmbeddingSnapshot): Promise<ProjectorEmbedding> {
    const { name, step, vectors, n, d, labels } = snapshot;
    const folder = `embeddings/${safe(name)}/${step}`;
    await checkLogdir(join(this.dir, folder));
    await writeAtomically(join(this.dir, folder, 'tensors.tsv'), formatTensorTsv(vectors, n, d));
    if (labels) await writeAtomically(join(this.dir, folder, 'metadata.tsv'), formatMetadataTsv(labels));
    const entry: ProjectorEmbedding = {
      tensorName: `${name}/step-${step}`,
      tensorPath: `${folder}/tensors.tsv`,
      ...(labels ? { metadataPath: `${folder}/metadata.tsv` } : {}),
      tensorShape: [n, d],
    };
    const old = this.entries.findIndex((e) => e.tensorName === entry.tensorName);
    if (old >= 0) this.entries.splice(old, 1);
    this.entries.push(entry);
    await writeAtomically(join(this.dir, PROJECTOR_CONFIG), formatProjectorConfig(this.entries));
    return entry;
  }
}
