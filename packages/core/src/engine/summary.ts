import { InputLayer } from './input-layer.js';
import type { Model } from './model.js';
import { formatShape, type Shape } from './shape.js';

/** Options of `model.summary()`. */
export interface SummaryOptions {
  /** Where each line goes. Default `console.log`; pass `() => {}` to only get the string back. */
  print?: (line: string) => void;
}

interface Row {
  name: string;
  shape: string;
  params: string;
  connected: string[];
}

/** Thousands separators, as Keras prints counts: 62,430. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB']; // Keras 3's units
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)} ${units[unit]}`;
}

/**
 * Keras's summary table: one row per layer with its output shape and parameter count, then the total,
 * trainable and non-trainable counts. Functional models get a "Connected to" column.
 */
export function summary(model: Model, options: SummaryOptions = {}): string {
  const sequential = model.className === 'Sequential';
  const layers = sequential ? model.layers.filter((l) => !(l instanceof InputLayer)) : model.layers;
  const nodeSet = new Set(model.nodes);
  const rows: Row[] = layers.map((layer) => {
    const nodes = layer.inboundNodes.filter((n) => nodeSet.has(n));
    const shapes = nodes.flatMap((n) => n.outputTensors.map((t) => t.shape));
    const distinct = [...new Set(shapes.map((s: Shape) => formatShape(s)))];
    const connected = nodes.flatMap((n) =>
      n.inputTensors.map((t) => {
        const producerNodes = t.sourceLayer.inboundNodes.filter((p) => nodeSet.has(p));
        return `${t.sourceLayer.name}[${Math.max(0, producerNodes.indexOf(t.node))}][${t.tensorIndex}]`;
      }),
    );
    return {
      name: `${layer.name} (${layer.className})`,
      shape: distinct.length === 1 ? distinct[0] : 'multiple',
      params: formatCount(layer.built ? layer.countParams() : 0),
      connected,
    };
  });

  const headers = sequential
    ? ['Layer (type)', 'Output Shape', 'Param #']
    : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const widths = [
    Math.max(headers[0].length, ...rows.map((r) => r.name.length)) + 3,
    Math.max(headers[1].length, ...rows.map((r) => r.shape.length)) + 3,
    Math.max(headers[2].length, ...rows.map((r) => r.params.length)) + 3,
  ];
  if (!sequential)
    widths.push(Math.max(headers[3].length, ...rows.flatMap((r) => r.connected.map((c) => c.length))) + 1);
  const lineLength = widths.reduce((a, b) => a + b, 0) + 1;
  const cells = (values: string[]) => ` ${values.map((v, i) => v.padEnd(widths[i])).join('')}`.trimEnd();

  const lines: string[] = [
    `Model: "${model.name}"`,
    '_'.repeat(lineLength),
    cells(headers),
    '='.repeat(lineLength),
  ];
  rows.forEach((row, i) => {
    lines.push(
      cells(
        sequential
          ? [row.name, row.shape, row.params]
          : [row.name, row.shape, row.params, row.connected[0] ?? ''],
      ),
    );
    for (const extra of row.connected.slice(1)) lines.push(cells(['', '', '', extra]));
    lines.push(i === rows.length - 1 ? '='.repeat(lineLength) : '');
  });
  if (rows.length === 0) lines.push('='.repeat(lineLength));

  const count = (ws: { size: number }[]) => ws.reduce((n, w) => n + w.size, 0);
  const total = count(model.weights);
  const trainable = count(model.trainableWeights);
  const bytes = (ws: { size: number; dtype: string }[]) => ws.reduce((n, w) => n + w.size * 4, 0);
  lines.push(`Total params: ${formatCount(total)} (${formatBytes(bytes(model.weights))})`);
  lines.push(`Trainable params: ${formatCount(trainable)} (${formatBytes(bytes(model.trainableWeights))})`);
  lines.push(
    `Non-trainable params: ${formatCount(total - trainable)} (${formatBytes(bytes(model.nonTrainableWeights))})`,
  );
  lines.push('_'.repeat(lineLength));
  const text = lines.join('\n');
  (options.print ?? console.log)(text);
  return text;
}
