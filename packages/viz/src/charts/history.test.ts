import { DataError, History } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { byClass, findAll, parseSvg, pathPoints, textOf, tickCentre } from '../test-utils/svg.js';
import { history } from './history.js';
import { lineChart } from './line-chart.js';

describe('lineChart', () => {
  it('puts each value at the height of its tick label', () => {
    const fig = lineChart([{ name: 'y', x: [0, 1, 2, 3], y: [0, 0.4, 1, 0.2] }], { title: 'T' });
    const doc = parseSvg(fig.svg);
    const ticks = byClass(doc, 'tick y');
    const yOf = (label: string) => tickCentre(ticks.find((t) => textOf(t) === label)!, 'y');
    const xTicks = byClass(doc, 'tick x');
    const xOf = (label: string) => tickCentre(xTicks.find((t) => textOf(t) === label)!, 'x');
    const path = findAll(byClass(doc, 'mark line')[0], (n) => n.tag === 'path')[0];
    const pts = pathPoints(path.attrs.d);
    expect(pts).toHaveLength(4);
    expect(pts[0].y).toBeCloseTo(yOf('0'), 1);
    expect(pts[1].y).toBeCloseTo(yOf('0.4'), 1);
    expect(pts[2].y).toBeCloseTo(yOf('1'), 1);
    expect(pts[3].y).toBeCloseTo((yOf('0') + yOf('0.4')) / 2, 1);
    expect(pts[0].x).toBeCloseTo(xOf('0'), 1);
    expect(pts[3].x).toBeCloseTo(xOf('3'), 1);
  });

  it('has a title, a description and an aria-labelledby that names both', () => {
    const doc = parseSvg(lineChart([{ name: 'a', y: [1, 2] }], { title: 'My & chart' }).svg);
    expect(doc.attrs.role).toBe('img');
    const title = findAll(doc, (n) => n.tag === 'title')[0];
    const desc = findAll(doc, (n) => n.tag === 'desc')[0];
    expect(textOf(title)).toBe('My & chart');
    expect(textOf(desc)).toMatch(/Line chart of a \(2 points\)/);
    expect(doc.attrs['aria-labelledby']).toBe(`${title.attrs.id} ${desc.attrs.id}`);
  });

  it('rejects series whose x and y lengths differ, and empty series', () => {
    expect(() => lineChart([{ name: 'a', x: [1], y: [1, 2] }])).toThrow(/1 x values but 2 y values/);
    expect(() => lineChart([{ name: 'a', y: [] }])).toThrow(DataError);
  });
});

describe('history', () => {
  it('draws loss and accuracy panels, training solid and validation dashed, epochs from 1', () => {
    const h = new History();
    const logs = [
      { loss: 1, acc: 0.5, val_loss: 1.2, val_acc: 0.4 },
      { loss: 0.5, acc: 0.7, val_loss: 0.8, val_acc: 0.6 },
      { loss: 0.25, acc: 0.9, val_loss: 0.7, val_acc: 0.65 },
    ];
    logs.forEach((l, i) => {
      h.onEpochEnd(i, l);
    });
    const fig = history(h);
    const doc = parseSvg(fig.svg);
    const panels = findAll(doc, (n) => n.tag === 'svg');
    expect(panels.map((p) => textOf(findAll(p, (n) => n.tag === 'title')[0]))).toEqual(['loss', 'acc']);
    const lines = byClass(panels[0], 'mark line');
    expect(lines.map((l) => l.attrs['data-name'])).toEqual(['training loss', 'validation loss']);
    const [train, val] = lines.map((l) => findAll(l, (n) => n.tag === 'path')[0]);
    expect(train.attrs['stroke-dasharray']).toBeUndefined();
    expect(val.attrs['stroke-dasharray']).toBeDefined();
    expect(train.attrs.stroke).toBe(val.attrs.stroke);
    const xLabels = byClass(panels[0], 'tick x').map(textOf);
    expect(xLabels).toEqual(['1', '2', '3']);
    expect(textOf(byClass(panels[0], 'label x')[0])).toBe('epoch');
  });

  it('draws NaN epochs as gaps and says so', () => {
    const fig = history({ loss: [1, Number.NaN, 0.5, 0.4] });
    const doc = parseSvg(fig.svg);
    const d = findAll(byClass(doc, 'mark line')[0], (n) => n.tag === 'path')[0].attrs.d;
    expect(pathPoints(d).map((p) => p.cmd)).toEqual(['M', 'M', 'L']);
    expect(fig.notes[0]).toMatch(/training loss has 1 missing value .*gaps/);
    expect(textOf(findAll(doc, (n) => n.tag === 'desc')[0])).toMatch(/gaps/);
    expect(byClass(doc, 'note').map(textOf).join(' ')).toMatch(/^note: training loss has 1 missing value/);
  });

  it('uses a log scale with powers of ten when asked', () => {
    const fig = history({ loss: [10, 1, 0.1, 0.01] }, { logScale: true });
    const labels = byClass(parseSvg(fig.svg), 'tick y').map(textOf);
    expect(labels).toEqual(['0.01', '0.1', '1', '10']);
  });

  it('says what to do with an empty history or an unknown metric', () => {
    expect(() => history(new History())).toThrow(/no epochs.*Train for at least one epoch/);
    expect(() => history({ loss: [] })).toThrow(DataError);
    expect(() => history({ loss: [1] }, { metrics: ['acc'] })).toThrow(/no "acc" \(it logged loss\)/);
  });

  it('is the same string every time', () => {
    const h = { loss: [0.9, 0.4, 0.3], val_loss: [1, 0.6, 0.5] };
    expect(history(h).svg).toBe(history(h).svg);
  });
});
