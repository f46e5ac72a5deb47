import * as tf from '@tensorflow/tfjs-core';
import { sequential } from '@tensorfold/core';
import { dense } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { leakedBy, useCpu } from '../test-utils/setup.js';
import { byClass, findAll, parseSvg, pathPoints, textOf, tickCentre } from '../test-utils/svg.js';
import { activationPlot } from './activation-plot.js';
import { decisionBoundary } from './decision-boundary.js';
import { binValues, histogram, weightHistograms } from './histogram.js';

beforeAll(useCpu);

describe('histogram', () => {
  it('counts values into equal bins and skips NaN with a note', async () => {
    expect(binValues([0, 0.1, 0.5, 0.9, 1, Number.NaN], 2)).toEqual({
      edges: [0, 0.5, 1],
      counts: [2, 3],
      skipped: 1,
    });
    const fig = await histogram([0, 0.1, 0.5, 0.9, 1, Number.NaN], { bins: 2 });
    const doc = parseSvg(fig.svg);
    const bars = findAll(byClass(doc, 'mark bars')[0], (n) => n.tag === 'rect');
    expect(bars).toHaveLength(2);
    // Bar heights are proportional to the counts 2 and 3.
    const h = bars.map((b) => Number(b.attrs.height));
    expect(h[1] / h[0]).toBeCloseTo(1.5, 2);
    expect(fig.notes).toEqual(['1 NaN or infinite value not counted.']);
  });

  it('draws one panel per weight of a model, without leaking tensors', async () => {
    const model = sequential({ layers: [dense({ units: 3, inputShape: [2] }), dense({ units: 1 })] });
    let fig: Awaited<ReturnType<typeof weightHistograms>> | undefined;
    expect(
      await leakedBy(async () => {
        fig = await weightHistograms(model, { bins: 5 });
      }),
    ).toBe(0);
    const titles = findAll(parseSvg(fig!.svg), (n) => n.tag === 'svg').map((s) =>
      textOf(findAll(s, (n) => n.tag === 'title')[0]),
    );
    expect(titles).toEqual(model.weights.map((w) => w.path));
  });
});

describe('decisionBoundary', () => {
  it('colours each side of a linear classifier with its class and frees its tensors', async () => {
    const points = [
      [-1, 0],
      [1, 0],
      [-0.5, 1],
      [0.5, -1],
    ];
    const labels = [0, 1, 0, 1];
    // Class 1 where x1 > 0.
    const predict = (x: tf.Tensor2D) => tf.cast(tf.greater(tf.slice(x, [0, 0], [-1, 1]), 0), 'float32');
    let svg = '';
    const leaked = await leakedBy(async () => {
      svg = (
        await decisionBoundary(predict, points, labels, { resolution: 10, classNames: ['left', 'right'] })
      ).svg;
    });
    expect(leaked).toBe(0);
    const doc = parseSvg(svg);
    const rects = findAll(byClass(doc, 'mark cells')[0], (n) => n.tag === 'rect');
    // Each of the 10 grid rows splits into one run per class.
    expect(rects).toHaveLength(20);
    const xTicks = byClass(doc, 'tick x');
    const zeroX = tickCentre(xTicks.find((t) => textOf(t) === '0')!, 'x');
    for (const r of rects) {
      const left = Number(r.attrs.x);
      const right = left + Number(r.attrs.width);
      if (r.attrs.fill === '#4e79a7') expect(right).toBeCloseTo(zeroX, 0);
      else expect(left).toBeCloseTo(zeroX, 0);
    }
    expect(byClass(doc, 'legend-label').map(textOf)).toEqual(['left', 'right']);
  });

  it('rejects points that are not 2-D and predictions of the wrong length', async () => {
    await expect(decisionBoundary((x) => x, [[1, 2, 3]], [0])).rejects.toThrow(/\[n, 2\].*got \[1,3\]/);
    await expect(
      decisionBoundary(
        () => tf.zeros([3, 2]),
        [
          [0, 0],
          [1, 1],
        ],
        [0, 1],
        { resolution: 4 },
      ),
    ).rejects.toThrow(/one row per point/);
  });
});

describe('activationPlot', () => {
  it('draws a function and its derivative from automatic differentiation', async () => {
    let fig: Awaited<ReturnType<typeof activationPlot>> | undefined;
    expect(
      await leakedBy(async () => {
        fig = await activationPlot({ relu: tf.relu }, { range: [-1, 1], points: 3 });
      }),
    ).toBe(0);
    if (!fig) throw new Error('no figure');
    const doc = parseSvg(fig.svg);
    const lines = byClass(doc, 'mark line');
    expect(lines.map((l) => l.attrs['data-name'])).toEqual(['relu', 'relu′']);
    const yTicks = byClass(doc, 'tick y');
    const yOf = (v: string) => tickCentre(yTicks.find((t) => textOf(t) === v)!, 'y');
    const f = pathPoints(findAll(lines[0], (n) => n.tag === 'path')[0].attrs.d);
    const df = pathPoints(findAll(lines[1], (n) => n.tag === 'path')[0].attrs.d);
    expect(f.map((p) => p.y)).toEqual([yOf('0'), yOf('0'), yOf('1')].map((v) => expect.closeTo(v, 1)));
    expect(df[0].y).toBeCloseTo(yOf('0'), 1);
    expect(df[2].y).toBeCloseTo(yOf('1'), 1);
    expect(findAll(lines[1], (n) => n.tag === 'path')[0].attrs['stroke-dasharray']).toBeDefined();
  });
});
