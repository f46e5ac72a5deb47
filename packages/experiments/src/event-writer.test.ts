import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32c, maskedCrc32c } from './crc32c.js';
import { eventFileWriter } from './event-file.js';
import { EventWriter } from './event-writer.js';
import { crc32cBitwise, readEvents } from './test-utils/event-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorfold-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CRC-32C', () => {
  it("gives the standard check value for '123456789' (0xE3069283) and agrees with a bitwise CRC", () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(crc32c(bytes)).toBe(0xe3069283);
    expect(crc32cBitwise(bytes)).toBe(0xe3069283);
    const random = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) % 251);
    expect(crc32c(random)).toBe(crc32cBitwise(random));
    expect(maskedCrc32c(bytes)).not.toBe(crc32c(bytes));
  });
});

describe('EventWriter', () => {
  it('writes events that a reader built from the published .proto definitions decodes', async () => {
    const { writer, path } = await eventFileWriter(join(dir, 'one'));
    expect(path).toMatch(/events\.out\.tfevents\.\d+\./);
    writer.scalar('epoch_loss', 0.25, 3);
    writer.histogram('dense/kernel', [1, 2, 2, 3, 3, 3, Number.NaN], 3, 3);
    writer.image('digit', { png: Uint8Array.from([137, 80, 78, 71]), height: 28, width: 28, channels: 1 }, 0);
    writer.text('model', '| a | b |', 0);
    writer.close();
    const { events, truncated } = readEvents(path);
    expect(truncated).toBe(false);
    expect(events[0].fileVersion).toBe('brain.Event:2');
    expect(events[0].wallTime).toBeGreaterThan(1.7e9);
    const [scalar, histogram, image, text] = events
      .slice(1)
      .map((e) => ({ step: e.step ?? 0, value: e.summary.value[0] }));
    expect(scalar).toEqual({
      step: 3,
      value: { tag: 'epoch_loss', simpleValue: 0.25, value: 'simpleValue' },
    });
    expect(histogram.value.histo).toMatchObject({ min: 1, max: 3, num: 6, sum: 14, sumSquares: 36 });
    expect(histogram.value.histo.bucket).toEqual([1, 2, 3]);
    expect(histogram.value.histo.bucketLimit.at(-1)).toBe(3);
    expect(image.value.image).toMatchObject({ height: 28, width: 28, colorspace: 1 });
    expect(Array.from(image.value.image.encodedImageString)).toEqual([137, 80, 78, 71]);
    expect(text.value.metadata.pluginData.pluginName).toBe('text');
    expect(text.value.tensor.dtype).toBe(7);
    expect(new TextDecoder().decode(text.value.tensor.stringVal[0])).toBe('| a | b |');
  });

  it('hands records over only on flush, and refuses writes after close', () => {
    const chunks: Uint8Array[] = [];
    const writer = new EventWriter(
      (records) => chunks.push(records),
      () => 1,
    );
    expect(chunks).toHaveLength(1); // the file version, at once
    writer.scalar('a', 1, 0);
    writer.scalar('b', 2, 0);
    expect(chunks).toHaveLength(1);
    writer.flush();
    expect(chunks).toHaveLength(2);
    writer.close();
    expect(() => writer.scalar('c', 3, 0)).toThrow(/closed/);
  });

  it('refuses a log directory it cannot write, naming it', async () => {
    await expect(eventFileWriter('/proc/tensorfold-logs')).rejects.toThrow(
      /cannot be written.*pass a directory/,
    );
    expect(readdirSync(dir)).toContain('one');
  });
});
