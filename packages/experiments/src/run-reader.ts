import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { readEventRecords, type SummaryValue } from './event-reader.js';

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
}

/**
 * Reads the runs under a log directory, following files as they grow: each call reads only the bytes added
 * since the last one (whole records; a record being written is read next time).
 */
export class RunReader {
  private readonly files = new Map<string, { consumed: number; run: RunData }>();
  private readonly runs = new Map<string, RunData>();

  constructor(readonly logdir: string) {}

  /** The runs, updated with what the event files gained since the last call. */
  read(): RunData[] {
    for (const path of eventFiles(this.logdir)) {
      let file = this.files.get(path);
      if (!file) {
        const name = relative(this.logdir, join(path, '..')).split(sep).join('/') || '.';
        let run = this.runs.get(name);
        if (!run) {
          run = { name, scalars: {}, histograms: {}, texts: {} };
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
    return [...this.runs.values()].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
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
