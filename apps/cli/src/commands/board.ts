import { statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@tensorfold/core';
import { type RunData, RunReader, readEmbedding } from '@tensorfold/experiments/node';
import { type LayerGraph, type LineSeries, layerGraphDiagram, lineChart } from '@tensorfold/viz';
import { BOARD_PAGE } from './board-page.js';
import { type Projection, projectEmbedding } from './board-projector.js';

/** Options of {@link startBoard}. */
export interface BoardOptions {
  /** The log directory (its sub-folders holding event files are the runs). */
  logdir: string;
  /** Port on 127.0.0.1. Default 0: a free port the system picks. */
  port?: number;
}

/** A running board: its address, and how to stop it. */
export interface Board {
  url: string;
  close(): Promise<void>;
}

/** Exponential moving average, as TensorBoard smooths (debiased, so the first points are not pulled to 0). */
export function smooth(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...values];
  let last = 0;
  let debias = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    debias = debias * weight + (1 - weight);
    return last / debias;
  });
}

/** The charts of the page: one SVG per scalar tag (runs overlaid), one per histogram (steps overlaid). */
export function charts(runs: RunData[], smoothing: number, log: boolean) {
  const scalarTags = [...new Set(runs.flatMap((r) => Object.keys(r.scalars)))].sort();
  const scalars = scalarTags.map((tag) => {
    const series: LineSeries[] = runs
      .filter((r) => r.scalars[tag]?.length)
      .map((r) => ({
        name: r.name,
        x: r.scalars[tag].map(([step]) => step),
        y: smooth(
          r.scalars[tag].map(([, v]) => v),
          smoothing,
        ),
      }));
    const figure = lineChart(series, {
      title: tag,
      width: 560,
      height: 320,
      x: { label: 'step', integer: true },
      y: { label: tag, scale: log ? 'log' : 'linear' },
    });
    return { tag, svg: figure.svg };
  });
  const histograms = runs.flatMap((r) =>
    Object.entries(r.histograms).map(([tag, steps]) => {
      // Every step's bucket counts over the bucket centres: later steps drawn over earlier ones.
      const shown = steps.slice(-8);
      const series: LineSeries[] = shown.map((h) => ({
        name: `step ${h.step}`,
        x: h.limits.map((limit, i) => (i === 0 ? limit : (limit + h.limits[i - 1]) / 2)),
        y: h.counts,
      }));
      const figure = lineChart(series, {
        title: `${r.name}: ${tag}`,
        width: 560,
        height: 260,
        x: { label: 'value' },
        y: { label: 'count' },
        dots: false,
      });
      return { run: r.name, tag, svg: figure.svg };
    }),
  );
  const texts = runs.flatMap((r) =>
    Object.entries(r.texts).map(([tag, text]) => ({ run: r.name, tag, text })),
  );
  const diagrams = runs.flatMap((r) => (r.graph ? [{ run: r.name, svg: diagramOf(r.graph) }] : []));
  // Each run's embeddings by name, with the steps logged (the projector shows one step at a time).
  const embeddings = runs.flatMap((r) => {
    const steps = new Map<string, number[]>();
    for (const e of r.embeddings) steps.set(e.name, [...(steps.get(e.name) ?? []), e.step]);
    return [...steps].map(([name, list]) => ({ run: r.name, name, steps: list.sort((a, b) => a - b) }));
  });
  return { runs: runs.map((r) => r.name), scalars, histograms, texts, diagrams, embeddings };
}

/** Diagrams drawn once per graph record (the reader keeps a run's graph object until a new one is logged). */
const diagramCache = new WeakMap<object, string>();
function diagramOf(graph: LayerGraph): string {
  let svg = diagramCache.get(graph);
  if (svg === undefined) {
    svg = layerGraphDiagram(graph).svg;
    diagramCache.set(graph, svg);
  }
  return svg;
}

/** The projection of one run's embedding at `step` (the latest when absent), or null when none is logged. */
export async function projection(
  runs: RunData[],
  run: string,
  name: string,
  step: number | null,
  cache: Map<string, { mtime: number; value: Projection }> = new Map(),
): Promise<(Projection & { run: string; name: string; step: number; steps: number[] }) | null> {
  const entries = runs.find((r) => r.name === run)?.embeddings.filter((e) => e.name === name) ?? [];
  if (entries.length === 0) return null;
  const steps = entries.map((e) => e.step).sort((a, b) => a - b);
  const chosen = step === null ? steps.at(-1) : step;
  const entry = entries.find((e) => e.step === chosen);
  if (!entry) return null;
  const mtime = statSync(entry.tensorPath).mtimeMs;
  let cached = cache.get(entry.tensorPath);
  if (cached?.mtime !== mtime) {
    const { vectors, n, d, labels } = readEmbedding(entry);
    cached = {
      mtime,
      value: await projectEmbedding(vectors, n, d, labels ?? null, `${run}: ${name}, step ${entry.step}`),
    };
    cache.set(entry.tensorPath, cached);
    // A long run logs many steps: keep the latest few projections.
    if (cache.size > 32) cache.delete(cache.keys().next().value as string);
  }
  return { ...cached.value, run, name, step: entry.step, steps };
}

/**
 * Serves the board on 127.0.0.1 only: `/` the page, `/api/charts?smoothing=0.6&log=1` the charts of the
 * runs under `logdir` (scalars, histograms, texts, model diagrams, the embeddings logged), read again (only
 * what was added) on every request, so the page, which polls, is live; `/api/projector?run=R&name=N&step=S`
 * one embedding projected by PCA (the latest step without `step`).
 */
export async function startBoard(options: BoardOptions): Promise<Board> {
  const reader = new RunReader(options.logdir);
  const projections = new Map<string, { mtime: number; value: Projection }>();
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    try {
      // A page of another site whose name was pointed at 127.0.0.1 (DNS rebinding) is refused.
      if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(request.headers.host ?? '')) {
        response.writeHead(403, { 'content-type': 'text/plain' });
        response.end('tensorfold board answers only requests addressed to 127.0.0.1 or localhost');
        return;
      }
      if (url.pathname === '/') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(BOARD_PAGE);
      } else if (url.pathname === '/api/charts') {
        const smoothing = Math.min(0.99, Math.max(0, Number(url.searchParams.get('smoothing') ?? 0) || 0));
        const body = JSON.stringify(charts(reader.read(), smoothing, url.searchParams.get('log') === '1'));
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        response.end(body);
      } else if (url.pathname === '/api/projector') {
        const step = url.searchParams.get('step');
        const value = await projection(
          reader.read(),
          url.searchParams.get('run') ?? '',
          url.searchParams.get('name') ?? '',
          step === null || step === '' ? null : Number(step),
          projections,
        );
        response.writeHead(value ? 200 : 404, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
        });
        response.end(JSON.stringify(value ?? { error: 'no such embedding' }));
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found');
      }
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String((error as Error).message));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError(
              `Port ${options.port} on 127.0.0.1 is in use; pass another --port, or none for a free one.`,
            )
          : error,
      ),
    );
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
