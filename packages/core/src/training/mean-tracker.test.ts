import { tf } from '../index.js';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledState } from './compile.js';
import { MeanTracker } from './mean-tracker.js';
import { MetricsState } from './metrics-state.js';

beforeAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

describe('MeanTracker', () => {
  it('adds host numbers with no kernel call, and its mean is theirs', async () => {
    const t = new MeanTracker('loss');
    const info = await tf.profile(() => {
      t.updateKnown(0.5, 16);
      t.updateKnown(2, 48);
    });
    expect(info.kernels).toHaveLength(0);
    expect(t.known()).toBeCloseTo((0.5 * 16 + 2 * 48) / 64, 12);
    const r = t.result();
    expect(await r.data()).toEqual(Float32Array.of((0.5 * 16 + 2 * 48) / 64));
    r.dispose();
    t.dispose();
  });

  it("rounds the host mean to float32, and gives a single value back as it is (a batch's float32 loss)", () => {
    const t = new MeanTracker('loss');
    const v = Math.fround(0.7123);
    t.updateKnown(v, 3);
    expect(t.known()).toBe(v);
    const w = Math.fround(0.2);
    t.updateKnown(w, 5);
    const mean = (v * 3 + w * 5) / 8; // float64: not a float32 number
    expect(Math.fround(mean)).not.toBe(mean);
    expect(t.known()).toBe(Math.fround(mean));
    t.reset();
    expect(t.known()).toBe(0);
    t.updateKnown(w, 2);
    expect(t.known()).toBe(w);
    t.dispose();
  });

  it('mixes host numbers and device scalars into one weighted mean; 0 before any update; no leaks', async () => {
    const before = tf.memory().numTensors;
    const t = new MeanTracker('loss');
    expect(t.known()).toBe(0);
    t.updateKnown(1, 2);
    const v = tf.scalar(4);
    t.update(v, 6);
    v.dispose();
    expect(t.known()).toBeNull();
    const r = t.result();
    expect((await r.data())[0]).toBeCloseTo((1 * 2 + 4 * 6) / 8, 6);
    r.dispose();
    t.reset();
    expect(t.known()).toBe(0);
    expect(t.updated).toBe(false);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('MetricsState.read', () => {
  // A compiled model with no metrics: the loss is its one log.
  const compiled = { metrics: [] } as unknown as CompiledState;

  it('reads a loss known on the host with no kernel call and no device read', async () => {
    const before = tf.memory().numTensors;
    const state = new MetricsState(compiled, ['out']);
    state.loss.updateKnown(0.25, 4);
    state.loss.updateKnown(0.75, 4);
    const info = await tf.profile(() => state.read());
    expect(info.kernels).toHaveLength(0);
    expect(await state.read('val_')).toEqual({ val_loss: 0.5 });
    state.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads the values on the device in one read, the host ones beside them, in order', async () => {
    const state = new MetricsState(compiled, ['out']);
    state.loss.updateKnown(0.25, 4);
    state.updateCustom('gap', 3, 4);
    const info = await tf.profile(() => state.read());
    expect(info.kernels.map((k) => k.name)).toContain('Pack');
    const logs = await state.read();
    expect(Object.keys(logs)).toEqual(['loss', 'gap']);
    expect(logs).toEqual({ loss: 0.25, gap: 3 });
    state.dispose();
  });
});
