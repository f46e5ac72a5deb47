import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventWriter } from './event-writer.js';
import { RunReader } from './run-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorfold-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('RunReader', () => {
  it('groups event files by folder and follows them as they grow, a half-written record included', () => {
    mkdirSync(join(dir, 'trial-0', 'train'), { recursive: true });
    mkdirSync(join(dir, 'trial-10', 'train'), { recursive: true });
    const path = join(dir, 'trial-0', 'train', 'events.out.tfevents.1.host.1.0');
    let pending = new Uint8Array();
    const writer = new EventWriter((records) => {
      pending = records.slice();
    });
    writer.scalar('epoch_loss', 1, 0);
    writer.histogram('w', [1, 2, 3], 0);
    writer.text('hparams', 'lr 0.1', 0);
    writer.flush();
    appendFileSync(path, pending);
    const other = new EventWriter((records) =>
      appendFileSync(join(dir, 'trial-10', 'train', 'events.out.tfevents.2'), records),
    );
    other.scalar('epoch_loss', 3, 0);
    other.flush();
    const reader = new RunReader(dir);
    let runs = reader.read();
    expect(runs.map((r) => r.name)).toEqual(['trial-0/train', 'trial-10/train']);
    expect(runs[0].scalars.epoch_loss.map(([s, v]) => [s, v])).toEqual([[0, 1]]);
    expect(runs[0].histograms.w[0].counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(runs[0].texts.hparams).toBe('lr 0.1');
    // A record written in two parts: read once whole.
    writer.scalar('epoch_loss', 0.5, 1);
    writer.flush();
    appendFileSync(path, pending.subarray(0, 10));
    runs = reader.read();
    expect(runs[0].scalars.epoch_loss).toHaveLength(1);
    appendFileSync(path, pending.subarray(10));
    runs = reader.read();
    expect(runs[0].scalars.epoch_loss.map(([s, v]) => [s, v])).toEqual([
      [0, 1],
      [1, 0.5],
    ]);
    expect(new RunReader(join(dir, 'missing')).read()).toEqual([]);
  });
});
