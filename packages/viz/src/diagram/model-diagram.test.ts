import { input, model, sequential } from '@tensorfold/core';
import { add, concatenate, conv2d, dense, flatten } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { byClass, parseSvg, textOf } from '../test-utils/svg.js';
import { layerGraph, layerGraphDiagram, modelDiagram } from './model-diagram.js';

beforeAll(useCpu);

describe('modelDiagram', () => {
  it('draws a Sequential model as a chain with shapes and parameter counts', () => {
    const m = sequential({
      name: 'small_cnn',
      layers: [conv2d({ filters: 4, kernelSize: 3, inputShape: [8, 8, 1] }), flatten(), dense({ units: 10 })],
    });
    const fig = modelDiagram(m);
    const doc = parseSvg(fig.svg);
    const boxes = byClass(doc, 'layer');
    const names = boxes.map((b) => b.attrs['data-name']);
    expect(names).toHaveLength(4); // the input layer, then the three layers
    expect(boxes.map((b) => Number(b.attrs['data-depth']))).toEqual([0, 1, 2, 3]);
    const conv = boxes[1];
    const info = byClass(conv, 'layer-info').map(textOf);
    expect(info).toEqual(['in:  (None, 8, 8, 1)', 'out: (None, 6, 6, 4)', 'params: 40']);
    expect(byClass(boxes[3], 'layer-info').map(textOf)).toContain('params: 1,450');
    expect(byClass(doc, 'edge')).toHaveLength(3);
    expect(textOf(byClass(doc, 'totals')[0])).toBe('Total params: 1,490 (trainable 1,490)');
    // Each box is below the one before it.
    const ys = boxes.map((b) => Number(b.children[0].attrs.y));
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
  });

  it('puts the branches of a functional model side by side and merges them with two arrows', () => {
    const x = input({ shape: [4], name: 'features' });
    const a = dense({ units: 3, name: 'left' }).apply(x);
    const b = dense({ units: 2, name: 'right' }).apply(x);
    const merged = concatenate({ name: 'merge' }).apply([a, b] as never);
    const out = dense({ units: 1, name: 'head' }).apply(merged);
    const m = model({ inputs: x, outputs: out as never, name: 'two_branches' });
    const doc = parseSvg(modelDiagram(m).svg);
    const box = (name: string) => byClass(doc, 'layer').find((n) => n.attrs['data-name'] === name)!;
    const rect = (name: string) => box(name).children[0].attrs;
    expect(rect('left').y).toBe(rect('right').y);
    expect(Number(rect('left').x)).not.toBe(Number(rect('right').x));
    expect(Number(rect('merge').y)).toBeGreaterThan(Number(rect('left').y));
    const edges = byClass(doc, 'edge').map((e) => `${e.attrs['data-from']}->${e.attrs['data-to']}`);
    expect(edges.sort()).toEqual([
      'features->left',
      'features->right',
      'left->merge',
      'merge->head',
      'right->merge',
    ]);
    expect(byClass(box('merge'), 'layer-info').map(textOf)[0]).toBe('in:  (None, 3), (None, 2)');
    expect(textOf(doc.children.find((c) => c.tag === 'desc')!)).toMatch(/1 branching point, 1 merge/);
    // An arrow ends on the top edge of its target box.
    const edge = byClass(doc, 'edge').find((e) => e.attrs['data-to'] === 'head')!;
    const end = edge.attrs.d.split(' ').slice(-2).map(Number);
    expect(end[1]).toBeCloseTo(Number(rect('head').y) - 2, 5);
  });

  it('draws the same picture from the graph as plain data (JSON, as a run log carries it)', () => {
    const x = input({ shape: [4], name: 'features' });
    const a = dense({ units: 3, name: 'left' }).apply(x);
    const b = dense({ units: 2, name: 'right' }).apply(x);
    const out = concatenate({ name: 'merge' }).apply([a, b] as never);
    const m = model({ inputs: x, outputs: out as never, name: 'json_graph' });
    const graph = JSON.parse(JSON.stringify(layerGraph(m)));
    expect(graph.layers.map((l: { params: number }) => l.params)).toEqual([0, 15, 10, 0]);
    const names = graph.layers.map((l: { name: string }) => l.name);
    const edges = graph.edges.map(([p, q]: [number, number]) => `${names[p]}->${names[q]}`);
    expect(edges.sort()).toEqual(['features->left', 'features->right', 'left->merge', 'right->merge']);
    expect(graph.totalParams).toBe(25);
    expect(layerGraphDiagram(graph).svg).toBe(modelDiagram(m).svg);
  });
});

describe('modelDiagram shortcuts', () => {
  it('routes a connection that skips a level round the right of the boxes in between', () => {
    const x = input({ shape: [4], name: 'x' });
    const a = dense({ units: 4, name: 'a' }).apply(x);
    const b = dense({ units: 4, name: 'b' }).apply(a);
    const s = add({ name: 'sum' }).apply([a, b] as never);
    const doc = parseSvg(modelDiagram(model({ inputs: x, outputs: s as never })).svg);
    const skip = byClass(doc, 'edge skip');
    expect(skip.map((e) => `${e.attrs['data-from']}->${e.attrs['data-to']}`)).toEqual(['a->sum']);
    const rectB = byClass(doc, 'layer').find((n) => n.attrs['data-name'] === 'b')!.children[0].attrs;
    const xs = [...skip[0].attrs.d.matchAll(/[ML](-?[\d.]+) /g)].map((m) => Number(m[1]));
    expect(xs[1]).toBeGreaterThan(Number(rectB.x) + Number(rectB.width));
    expect(xs[2]).toBe(xs[1]);
  });
});
