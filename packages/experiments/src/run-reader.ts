import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { readEventRecords, type SummaryValue } from './event-reader.js';
import { MODEL_GRAPH_PLUGIN, type ModelGraph } from './model-graph.js';
import {
  PROJECTOR_CONFIG,
  parseMetadataTsv,
  parseProjectorConfig,
  parseTensorTsv,
} from './projector-format.js';

/** One embedding a run's `projector_config.pbtxt` lists. */
export interface RunEmbedding {
  /** The embedding's name: `tensor_name` without its `/step-<n>` suffix (the layer, for runLogger's). */
  name: string;
  /** The step of the `/step-<n>` suffix (0 without one). */
  step: number;
  /** Absolute paths of the vectors' and the labels' TSV files. */
  tensorPath: string;
  metadataPath?: string;
}

/** The summaries of one run (a folder holding event files), by kind and tag. */
export interface RunData {
  /** The folder, relative to the log directory, with `/` separators (`trial-0/validation`). */
  name: string;
  /** `[step, value, wallTime]` per scalar tag, in the order written. */
  scalars: Record<string, [number, number, number][]>;
  /** Histograms over time per tag. */
  histograms: Record<string, { step: number; limits: number[]; counts: number[] }[]>;
  /** The last text per tag (hyperparameters, the model's summary). */
  texts: Record<string, string>;
  /** The model's layer graph, when the run logged one (runLogger does). */
  graph?: ModelGraph;
  /** The embeddings of the run's projector config, in the order listed. */
  embeddings: RunEmbedding[];
}

/**
 * The vectors `[n, d]` and the labels (the first metadata column) of an embedding.
 * @throws DataError when a file is malformed or the labels do not match the points.
 */
export function readEmbedding(embedding: RunEmbedding): {
  vectors: Float32Array;
  n: number;
  d: number;
  labels?: string[];
} {
  const { data, n, d } = parseTensorTsv(readFileSync(embedding.tensorPath, 'utf8'));
  if (!embedding.metadataPath) return { vectors: data, n, d };
  const { rows } = parseMetadataTsv(readFileSync(embedding.metadataPath, 'utf8'));
  return { vectors: data, n, d, labels: rows.map((r) => r[0] ?? '') };
}

/**
 * Reads the runs under a log directory, following files as they grow: each call reads only the bytes added
 * since the last one (whole records; a record being written is read next time).
 */
export class RunReader {
  private readonly files = new Map<string, { consumed: number; run: RunData }>();
  private readonly runs = new Map<string, RunData>();
  /** Each run folder's projector config, read again when its modification time changes. */
  private readonly configs = new Map<string, number>();

  constructor(readonly logdir: string) {}

  /** The runs, updated with what the event files gained since the last call. */
  read(): RunData[] {
    for (const path of eventFiles(this.logdir)) {
      let file = this.files.get(path);
      if (!file) {
        const name = relative(this.logdir, join(path, '..')).split(sep).join('/') || '.';
        let run = this.runs.get(name);
        if (!run) {
          run = { name, scalars: {}, histograms: {}, texts: {}, embeddings: [] };
          this.runs.set(name, run);
        }
        file = { consumed: 0, run };
        this.files.set(path, file);
      }
      const size = statSync(path).size;
      if (size <= file.consumed) continue;
      const bytes = new Uint8Array(size - file.consumed);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, bytes, 0, bytes.length, file.consumed);
      } finally {
        closeSync(fd);
      }
      const { events, consumed } = readEventRecords(bytes);
      file.consumed += consumed;
      for (const event of events)
        for (const value of event.values) add(file.run, value, event.step, event.wallTime);
    }
    for (const [name, run] of this.runs) this.readProjector(name, run);
    return [...this.runs.values()].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  private readProjector(name: string, run: RunData): void {
    const dir = join(this.logdir, name);
    const path = join(dir, PROJECTOR_CONFIG);
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      return;
    }
    if (this.configs.get(path) === mtime) return;
    const resolve = (p: string) => (isAbsolute(p) ? p : join(dir, p));
    run.embeddings = parseProjectorConfig(readFileSync(path, 'utf8')).map((e) => {
      const match = /^(.*)\/step-(\d+)$/.exec(e.tensorName);
      return {
        name: match ? match[1] : e.tensorName,
        step: match ? Number(match[2]) : 0,
        tensorPath: resolve(e.tensorPath),
        ...(e.metadataPath ? { metadataPath: resolve(e.metadataPath) } : {}),
      };
    });
    this.configs.set(path, mtime);
  }
}

function add(run: RunData, value: SummaryValue, step: number, wallTime: number): void {
  if (value.kind === 'scalar') {
    run.scalars[value.tag] = run.scalars[value.tag] ?? [];
    run.scalars[value.tag].push([step, value.value, wallTime]);
  } else if (value.kind === 'histogram') {
    run.histograms[value.tag] = run.histograms[value.tag] ?? [];
    run.histograms[value.tag].push({ step, limits: value.limits, counts: value.counts });
  } else if (value.kind === 'text') run.texts[value.tag] = value.text;
  else if (value.kind === 'plugin' && value.plugin === MODEL_GRAPH_PLUGIN) {
    try {
      run.graph = JSON.parse(value.text) as ModelGraph;
    } catch {
      // a damaged graph record: the run is shown without its diagram
    }
  }
}

/** Every `events.out.tfevents.*` file under `dir`, depth first. */
function eventFiles(dir: string): string[] {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...eventFiles(path));
    else if (entry.isFile() && entry.name.startsWith('events.out.tfevents.')) out.push(path);
  }
  return out;
}
