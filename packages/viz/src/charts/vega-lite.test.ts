import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { confusionMatrixFromCounts } from './confusion-matrix.js';
import { histogram } from './histogram.js';
import { history } from './history.js';
import { scatter } from './scatter.js';
import { toVegaLite } from './vega-lite.js';

describe('toVegaLite', () => {
  it('turns a history into a concat of layer charts that Vega-Lite compiles, NaN as null (a gap)', () => {
    const vl = toVegaLite(
      history({ loss: [1, Number.NaN, 0.5], val_loss: [1.2, 0.9, 0.8], acc: [0.5, 0.6, 0.7] }),
    );
    const concat = vl.concat as Array<{
      title: string;
      layer: Array<{
        data: { values: Array<{ x: number; y: number | null }> };
        mark: { strokeDash?: number[] };
      }>;
    }>;
    expect(concat.map((c) => c.title)).toEqual(['loss', 'acc']);
    expect(concat[0].layer[0].data.values).toEqual([
      { x: 1, y: 1 },
      { x: 2, y: null },
      { x: 3, y: 0.5 },
    ]);
    expect(concat[0].layer[1].mark.strokeDash).toEqual([6, 4]);
    const compiled = compile(vl as never);
    expect(compiled.spec).toBeTruthy();
  });

  it('covers points and bars, and refuses pictures', async () => {
    for (const fig of [
      await scatter(
        [
          [0, 0],
          [1, 2],
          [2, 1],
        ],
        { labels: [0, 1, 0] },
      ),
      await histogram([1, 2, 2, 3, 5], { bins: 3 }),
    ]) {
      expect(() => compile(toVegaLite(fig) as never)).not.toThrow();
    }
    expect(() => toVegaLite(confusionMatrixFromCounts([[1]]))).toThrow(/no Vega-Lite form/);
  });
});
