/**
 * TensorBoard's Event and Summary messages (tensorflow/core/util/event.proto and
 * tensorflow/core/framework/summary.proto), encoded with the field numbers of those published
 * definitions: scalars, histograms, images and text.
 */
import { ProtoWriter } from './protobuf.js';

/** The version line every event file starts with. */
export const FILE_VERSION = 'brain.Event:2';

/** TensorFlow's DataType code for strings (DT_STRING). */
const DT_STRING = 7;

/** An Event: `wall_time` (seconds since the epoch), `step`, and one of `file_version` or `summary`. */
function event(
  wallTime: number,
  step: number,
  what: { fileVersion?: string; summary?: Uint8Array },
): Uint8Array {
  const w = new ProtoWriter().double(1, wallTime);
  if (step !== 0) w.uint(2, step);
  if (what.fileVersion !== undefined) w.bytes(3, what.fileVersion);
  if (what.summary !== undefined) w.bytes(5, what.summary);
  return w.finish();
}

/** A Summary holding one Value. */
function summary(value: Uint8Array): Uint8Array {
  return new ProtoWriter().bytes(1, value).finish();
}

/** The first event of a file. */
export function fileVersionEvent(wallTime: number): Uint8Array {
  return event(wallTime, 0, { fileVersion: FILE_VERSION });
}

/** A scalar (`Summary.Value.simple_value`, float32). */
export function scalarEvent(tag: string, value: number, step: number, wallTime: number): Uint8Array {
  const v = new ProtoWriter().bytes(1, tag).float(2, value).finish();
  return event(wallTime, step, { summary: summary(v) });
}

/** The statistics and buckets of a histogram (HistogramProto). */
export interface Histogram {
  min: number;
  max: number;
  count: number;
  sum: number;
  sumSquares: number;
  /** Right edge of each bucket, increasing. */
  bucketLimits: number[];
  /** Values in each bucket. */
  bucketCounts: number[];
}

/**
 * The histogram of `values` over `buckets` equal-width buckets between their min and max (non-finite values
 * are left out and counted in `skipped`).
 */
export function histogramOf(values: ArrayLike<number>, buckets = 30): Histogram & { skipped: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let count = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    count++;
    sum += v;
    sumSquares += v * v;
  }
  if (count === 0)
    return {
      min: 0,
      max: 0,
      count: 0,
      sum: 0,
      sumSquares: 0,
      bucketLimits: [],
      bucketCounts: [],
      skipped: values.length,
    };
  const width = max > min ? (max - min) / buckets : 1;
  const n = max > min ? buckets : 1;
  const bucketCounts = new Array<number>(n).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    bucketCounts[Math.min(n - 1, Math.floor((v - min) / width))]++;
  }
  const bucketLimits = Array.from({ length: n }, (_, k) => (k === n - 1 ? max : min + (k + 1) * width));
  return { min, max, count, sum, sumSquares, bucketLimits, bucketCounts, skipped: values.length - count };
}

/** A histogram (`Summary.Value.histo`). */
export function histogramEvent(
  tag: string,
  histogram: Histogram,
  step: number,
  wallTime: number,
): Uint8Array {
  const h = new ProtoWriter()
    .double(1, histogram.min)
    .double(2, histogram.max)
    .double(3, histogram.count)
    .double(4, histogram.sum)
    .double(5, histogram.sumSquares)
    .packedDoubles(6, histogram.bucketLimits)
    .packedDoubles(7, histogram.bucketCounts)
    .finish();
  const v = new ProtoWriter().bytes(1, tag).bytes(5, h).finish();
  return event(wallTime, step, { summary: summary(v) });
}

/** An image (`Summary.Value.image`): PNG bytes with their size and channel count (1 grey, 3 RGB, 4 RGBA). */
export function imageEvent(
  tag: string,
  image: { png: Uint8Array; height: number; width: number; channels: number },
  step: number,
  wallTime: number,
): Uint8Array {
  const img = new ProtoWriter()
    .uint(1, image.height)
    .uint(2, image.width)
    .uint(3, image.channels)
    .bytes(4, image.png)
    .finish();
  const v = new ProtoWriter().bytes(1, tag).bytes(4, img).finish();
  return event(wallTime, step, { summary: summary(v) });
}

/** Text (Markdown) for TensorBoard's Text tab: a string tensor tagged with the `text` plugin. */
export function textEvent(tag: string, text: string, step: number, wallTime: number): Uint8Array {
  return pluginStringEvent(tag, text, { name: 'text' }, step, wallTime);
}

/**
 * A scalar string tensor tagged with a plugin (`SummaryMetadata.plugin_data`: its name and content bytes):
 * the `text` plugin's Markdown, or the `graph_keras_model` plugin's model JSON, which TensorBoard's Graphs
 * tab draws as the model's conceptual graph.
 */
export function pluginStringEvent(
  tag: string,
  text: string,
  plugin: { name: string; content?: string },
  step: number,
  wallTime: number,
): Uint8Array {
  const data = new ProtoWriter().bytes(1, plugin.name);
  if (plugin.content !== undefined) data.bytes(2, plugin.content);
  const metadata = new ProtoWriter().bytes(1, data.finish()).finish();
  const tensor = new ProtoWriter().uint(1, DT_STRING).bytes(2, new Uint8Array(0)).bytes(8, text).finish();
  const v = new ProtoWriter().bytes(1, tag).bytes(9, metadata).bytes(8, tensor).finish();
  return event(wallTime, step, { summary: summary(v) });
}
