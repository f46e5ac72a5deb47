import * as tf from '@tensorflow/tfjs-core';
import { sequential } from '@tensorfold/core';
import { dense } from '@tensorfold/layers';
import '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { liveHistory } from './live-history.js';
import { useCpu } from './test-utils/setup.js';
import { parseSvg } from './test-utils/svg.js';

beforeAll(useCpu);

function tinyModel() {
  const m = sequential({ layers: [dense({ units: 1, inputShape: [2] })] });
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return m;
}

describe('liveHistory', () => {
  it('redraws a terminal chart in place after every epoch of fit', async () => {
    const writes: string[] = [];
    const stream = { isTTY: true, write: (s: string) => writes.push(s) };
    const cb = liveHistory({ stream, color: false, width: 20, height: 4 });
    const x = tf.tensor2d([
      [0, 1],
      [1, 0],
      [1, 1],
      [0, 0],
    ]);
    const y = tf.tensor2d([[1], [1], [2], [0]]);
    await tinyModel().fit(x, y, { epochs: 3, verbose: 0, callbacks: [cb], validationData: [x, y] });
    x.dispose();
    y.dispose();
    expect(writes).toHaveLength(3);
    expect(writes[0].startsWith('\x1b[')).toBe(false);
    const lines = writes[0].split('\n').length - 1;
    expect(writes[1].startsWith(`\x1b[${lines}F\x1b[J`)).toBe(true);
    expect(writes[2]).toContain('⣿ loss   + val_loss');
    expect(cb.record.loss).toHaveLength(3);
  });

  it('prints once at the end when the stream is not a terminal', async () => {
    const writes: string[] = [];
    const cb = liveHistory({ stream: { isTTY: false, write: (s: string) => writes.push(s) } });
    const x = tf.ones([4, 2]);
    const y = tf.ones([4, 1]);
    await tinyModel().fit(x, y, { epochs: 2, verbose: 0, callbacks: [cb] });
    x.dispose();
    y.dispose();
    expect(writes).toHaveLength(1);
    expect(writes[0]).not.toContain('\x1b[');
  });

  it('puts the SVG chart into an element, by step when asked', async () => {
    const element = { innerHTML: '' };
    const cb = liveHistory({ target: element, every: 'batch' });
    const x = tf.ones([8, 2]);
    const y = tf.ones([8, 1]);
    await tinyModel().fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, callbacks: [cb] });
    x.dispose();
    y.dispose();
    expect(cb.draws).toBe(4);
    expect(cb.record.loss).toHaveLength(4);
    const doc = parseSvg(element.innerHTML);
    expect(doc.tag).toBe('svg');
    expect(element.innerHTML).toContain('>step<');
  });
});
