import { ConfigError } from '@tensorfold/core';
import {
  fileVersionEvent,
  type Histogram,
  histogramEvent,
  histogramOf,
  imageEvent,
  pluginStringEvent,
  scalarEvent,
  textEvent,
} from './summary.js';
import { tfRecord } from './tfrecord.js';

/** Where an event writer's records go: each call gets whole records, to append as one write. */
export type RecordSink = (records: Uint8Array) => void;

/**
 * Writes TensorBoard events (scalars, histograms, images, text) as TFRecord records to a sink: a file
 * in Node (`eventFileWriter` in `@tensorfold/experiments/node`) or anything else. Records are buffered
 * until {@link EventWriter.flush}, which hands them over in one piece, so a killed process leaves whole
 * records behind (and at most a truncated last one, which readers skip).
 */
export class EventWriter {
  private pending: Uint8Array[] = [];
  private closed = false;

  constructor(
    private readonly sink: RecordSink,
    private readonly clock: () => number = () => Date.now() / 1000,
  ) {
    this.add(fileVersionEvent(this.clock()));
    this.flush();
  }

  /** A scalar at `step` (NaN and infinities are written as they are; TensorBoard shows the gap). */
  scalar(tag: string, value: number, step: number): void {
    this.add(scalarEvent(tag, value, step, this.clock()));
  }

  /** The histogram of `values` at `step`. */
  histogram(tag: string, values: ArrayLike<number> | Histogram, step: number, buckets = 30): void {
    const histogram = 'bucketLimits' in values ? values : histogramOf(values, buckets);
    this.add(histogramEvent(tag, histogram, step, this.clock()));
  }

  /** A PNG image at `step`. */
  image(
    tag: string,
    image: { png: Uint8Array; height: number; width: number; channels: number },
    step: number,
  ): void {
    this.add(imageEvent(tag, image, step, this.clock()));
  }

  /** Markdown text at `step`. */
  text(tag: string, text: string, step: number): void {
    this.add(textEvent(tag, text, step, this.clock()));
  }

  /**
   * A string for a TensorBoard plugin at `step` (`plugin.name`, with `plugin.content` as its
   * `plugin_data.content`): {@link EventWriter.text} is the `text` plugin's case.
   */
  pluginText(tag: string, text: string, plugin: { name: string; content?: string }, step: number): void {
    this.add(pluginStringEvent(tag, text, plugin, step, this.clock()));
  }

  /** Hands the buffered records to the sink. */
  flush(): void {
    if (this.pending.length === 0) return;
    const total = this.pending.reduce((n, r) => n + r.length, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const record of this.pending) {
      out.set(record, offset);
      offset += record.length;
    }
    this.pending = [];
    this.sink(out);
  }

  /** Flushes; later writes are refused. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private add(eventBytes: Uint8Array): void {
    if (this.closed) throw new ConfigError('This event writer is closed; make a new one to write more.');
    this.pending.push(tfRecord(eventBytes));
  }
}
