import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { ToyAdd, ToyDense } from '../test-utils/toys.js';
import { input } from './input-layer.js';
import { model } from './model.js';
import { sequential } from './sequential.js';
import type { SymbolicTensor } from './symbolic.js';

beforeAll(useCpu);

describe('summary', () => {
  it('prints a sequential model in Keras layout with totals', () => {
    const m = sequential({
      name: 'tiny',
      layers: [
        new ToyDense({ units: 4, inputShape: [3], name: 'hidden' }),
        new ToyDense({ units: 2, name: 'out' }),
      ],
    });
    m.getLayer('out').trainable = false;
    const lines: string[] = [];
    const text = m.summary({ print: (l) => lines.push(l) });
    expect(lines).toEqual([text]);
    const rows = text.split('\n');
    expect(rows[0]).toBe('Model: "tiny"');
    expect(rows[2]).toMatch(/^ Layer \(type\)\s+Output Shape\s+Param #$/);
    expect(rows[3]).toMatch(/^=+$/);
    expect(text).toMatch(/ hidden \(ToyDense\)\s+\(None, 4\)\s+16\n/);
    expect(text).toMatch(/ out \(ToyDense\)\s+\(None, 2\)\s+10\n/);
    expect(text).toContain('Total params: 26 (104.00 B)');
    expect(text).toContain('Trainable params: 16 (64.00 B)');
    expect(text).toContain('Non-trainable params: 10 (40.00 B)');
  });

  it('adds a Connected to column for functional models', () => {
    const x = input({ shape: [2], name: 'x' });
    const a = new ToyDense({ units: 2, name: 'a' }).apply(x);
    const s = new ToyAdd({ name: 's' }).apply([x, a]) as SymbolicTensor;
    const text = model({ inputs: x, outputs: s }).summary({ print: () => {} });
    expect(text).toMatch(/Connected to/);
    expect(text).toMatch(/ s \(ToyAdd\)\s+\(None, 2\)\s+0\s+x\[0\]\[0\]\n\s+a\[0\]\[0\]/);
    expect(text).toContain('Total params: 6');
  });
});
