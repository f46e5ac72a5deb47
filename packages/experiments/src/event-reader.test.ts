import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEventRecords } from './event-reader.js';
import { EventWriter } from './event-writer.js';
import { readEvents } from './test-utils/event-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorfold-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function written(): Uint8Array {
  const chunks: Uint8Array[] = [];
  const writer = new EventWriter((records) => chunks.push(records.slice()));
  writer.scalar('epoch_loss', 0.75, 0);
  writer.scalar('epoch_loss', 0.5, 1);
  writer.histogram('dense/kernel', [0.1, 0.2, 0.2, -0.4, 3], 1, 4);
  writer.text('model', '| a | b |', 0);
  writer.image('digit', { png: new Uint8Array([137, 80, 78, 71]), height: 2, width: 3, channels: 1 }, 0);
  writer.flush();
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return bytes;
}

describe('readEventRecords', () => {
  it('reads what the independent (protobufjs) reader reads: scalars, histograms, text, images', () => {
    const bytes = written();
    const path = join(dir, 'events.out.tfevents.1');
    writeFileSync(path, bytes);
    const theirs = readEvents(path).events;
    const ours = readEventRecords(bytes);
    expect(ours.truncated).toBe(false);
    expect(ours.consumed).toBe(bytes.length);
    expect(ours.events).toHaveLength(theirs.length);
    expect(ours.events[0].fileVersion).toBe(theirs[0].fileVersion);
    for (const [i, event] of ours.events.entries()) {
      expect(event.step).toBe(theirs[i].step ?? 0);
      expect(event.wallTime).toBe(theirs[i].wallTime);
      for (const [j, value] of event.values.entries()) {
        const other = theirs[i].summary.value[j];
        expect(value.tag).toBe(other.tag);
        if (value.kind === 'scalar') expect(value.value).toBe(other.simpleValue);
        if (value.kind === 'histogram') {
          expect(value.limits).toEqual(other.histo.bucketLimit);
          expect(value.counts).toEqual(other.histo.bucket);
          expect([value.min, value.max, value.num]).toEqual([
            other.histo.min,
            other.histo.max,
            other.histo.num,
          ]);
        }
        if (value.kind === 'text')
          expect(value.text).toBe(new TextDecoder().decode(other.tensor.stringVal[0]));
        if (value.kind === 'image') {
          expect([value.width, value.height]).toEqual([other.image.width, other.image.height]);
          expect(Array.from(value.png)).toEqual(Array.from(other.image.encodedImageString));
        }
      }
    }
    const kinds = ours.events.flatMap((e) => e.values.map((v) => v.kind));
    expect(kinds).toEqual(['scalar', 'scalar', 'histogram', 'text', 'image']);
  });

  it('stops at a record cut short (a file being written) and refuses a damaged one', () => {
    const bytes = written();
    const whole = readEventRecords(bytes);
    const cut = readEventRecords(bytes.subarray(0, bytes.length - 3));
    expect(cut.truncated).toBe(true);
    expect(cut.events).toHaveLength(whole.events.length - 1);
    expect(cut.consumed).toBeLessThan(bytes.length);
    const damaged = bytes.slice();
    damaged[20] ^= 0xff; // inside the first record's data
    expect(() => readEventRecords(damaged)).toThrow(/data CRC of the record at byte 0/);
  });
});
