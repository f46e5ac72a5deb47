import { formatCount, formatShape, type Layer, type Model, type Shape } from '@tensorfold/core';
import { el, num } from '../svg/element.js';
import { type Figure, figure } from '../svg/figure.js';
import { text, textWidth } from '../svg/text.js';

/** Options of {@link modelDiagram}. */
export interface ModelDiagramOptions {
  /** Show input and output shapes. Default true. */
  shapes?: boolean;
  /** Show parameter counts. Default true. */
  params?: boolean;
  /** Title. Default `Model "<name>"`. */
  title?: string;
}

/**
 * One layer of a {@link LayerGraph}: what a diagram box shows. Plain data (JSON), so a run log can carry a
 * model's graph to a page that draws it without the model.
 */
export interface LayerGraphNode {
  name: string;
  /** The layer's class (`Dense`, `Conv2D`...). */
  className: string;
  /** Shapes of the tensors coming in (`null` for the batch dimension); empty for an input. */
  inShapes: Shape[];
  /** Shapes of the tensors going out; empty when unknown (an unbuilt model). */
  outShapes: Shape[];
  /** Parameter count (0 for an unbuilt layer). */
  params: number;
}

/** A model's layer graph as plain data: what {@link layerGraphDiagram} draws. */
export interface LayerGraph {
  /** The model's name. */
  name: string;
  /** The layers in graph order (topological: every producer before its consumers). */
  layers: LayerGraphNode[];
  /** Connections `[producer index, consumer index]` into `layers`. */
  edges: [number, number][];
  /** Parameters of the model, all and trainable. */
  totalParams: number;
  trainableParams: number;
}

/** One box of the diagram. */
export interface DiagramBox {
  layer: LayerGraphNode;
  /** Longest path from an input, in layers (inputs are 0). */
  depth: number;
  lines: string[];
  x: number;
  y: number;
  width: number;
  height: number;
}

const LINE = 14;
const FONT = 11;
const GAP_X = 24;
const GAP_Y = 36;

function shapesText(shapes: Shape[]): string {
  const distinct = [...new Set(shapes.map((s) => formatShape(s)))];
  return distinct.length === 0 ? '?' : distinct.join(', ');
}

/** The layers of `model` and the edges between them (producer index, consumer index), graph order. */
export function modelGraph(model: Model): {
  layers: Layer[];
  edges: [number, number][];
  inShapes: Shape[][];
  outShapes: Shape[][];
} {
  const nodes = model.nodes;
  const layers: Layer[] = [];
  const index = new Map<Layer, number>();
  const inShapes: Shape[][] = [];
  const outShapes: Shape[][] = [];
  const edges: [number, number][] = [];
  const add = (layer: Layer) => {
    if (!index.has(layer)) {
      index.set(layer, layers.length);
      layers.push(layer);
      inShapes.push([]);
      outShapes.push([]);
    }
    return index.get(layer)!;
  };
  if (nodes.length === 0) {
    // An unbuilt Sequential: a chain of layers without shapes.
    model.layers.forEach((l, i) => {
      add(l);
      if (i > 0) edges.push([i - 1, i]);
    });
    return { layers, edges, inShapes, outShapes };
  }
  for (const node of nodes) {
    const to = add(node.layer);
    for (const t of node.inputTensors) {
      const from = add(t.sourceLayer);
      if (!edges.some(([a, b]) => a === from && b === to)) edges.push([from, to]);
      inShapes[to].push(t.shape);
    }
    for (const t of node.outputTensors) outShapes[to].push(t.shape);
  }
  return { layers, edges, inShapes, outShapes };
}

/** The layer graph of `model` as plain data ({@link LayerGraph}), for {@link layerGraphDiagram}. */
export function layerGraph(model: Model): LayerGraph {
  const { layers, edges, inShapes, outShapes } = modelGraph(model);
  return {
    name: model.name,
    layers: layers.map((layer, i) => ({
      name: layer.name,
      className: layer.className,
      inShapes: inShapes[i],
      outShapes: outShapes[i],
      params: layer.built ? layer.countParams() : 0,
    })),
    edges,
    totalParams: model.weights.reduce((s, w) => s + w.size, 0),
    trainableParams: model.trainableWeights.reduce((s, w) => s + w.size, 0),
  };
}

/**
 * The layer graph of a model as Keras's `plot_model` draws it, without Graphviz: one box per layer
 * (name, class, input and output shapes, parameter count), top to bottom by depth, with arrows for
 * every connection, so branches sit side by side and merges take several arrows.
 */
export function modelDiagram(model: Model, options: ModelDiagramOptions = {}): Figure {
  return layerGraphDiagram(layerGraph(model), options);
}

/**
 * {@link modelDiagram} from a {@link LayerGraph} (plain data, such as the graph a run log carries), so a
 * page can draw a model it does not have.
 */
export function layerGraphDiagram(graph: LayerGraph, options: ModelDiagramOptions = {}): Figure {
  const { layers, edges } = graph;
  const depth = new Array<number>(layers.length).fill(0);
  // Graph order is topological, so one pass in order settles every depth.
  for (let i = 0; i < layers.length; i++)
    for (const [a, b] of edges) if (b === i) depth[i] = Math.max(depth[i], depth[a] + 1);
  const boxes: DiagramBox[] = layers.map((layer, i) => {
    const lines = [`${layer.name} (${layer.className})`];
    if (options.shapes ?? true) {
      if (layer.inShapes.length) lines.push(`in:  ${shapesText(layer.inShapes)}`);
      lines.push(`out: ${layer.outShapes.length ? shapesText(layer.outShapes) : '?'}`);
    }
    if (options.params ?? true) lines.push(`params: ${formatCount(layer.params)}`);
    const width = Math.max(...lines.map((l) => textWidth(l, FONT))) + 16;
    return { layer, depth: depth[i], lines, x: 0, y: 0, width, height: lines.length * LINE + 10 };
  });
  const levels: DiagramBox[][] = [];
  for (const b of boxes) {
    levels[b.depth] ??= [];
    levels[b.depth].push(b);
  }
  const levelWidth = levels.map((lv) => lv.reduce((s, b) => s + b.width, 0) + GAP_X * (lv.length - 1));
  const levelHeight = levels.map((lv) => Math.max(...lv.map((b) => b.height)));
  const width = Math.max(260, ...levelWidth) + 40;
  let y = 32;
  levels.forEach((lv, d) => {
    let x = (width - levelWidth[d]) / 2;
    for (const b of lv) {
      b.x = x;
      b.y = y;
      x += b.width + GAP_X;
    }
    y += levelHeight[d] + GAP_Y;
  });
  const height = y - GAP_Y + 34;
  const marker = 'tfv-arrow';
  let skips = 0;
  let right = width;
  const arrows = edges.map(([a, b]) => {
    const s = boxes[a];
    const t = boxes[b];
    const attrs = {
      fill: 'none',
      stroke: '#555',
      'stroke-width': 1.3,
      'marker-end': `url(#${marker})`,
      class: 'edge',
      'data-from': s.layer.name,
      'data-to': t.layer.name,
    };
    if (t.depth - s.depth > 1) {
      // A connection that skips levels (a residual shortcut) goes round the right of the boxes between.
      const between = boxes.filter((o) => o.depth >= s.depth && o.depth <= t.depth);
      const xr = Math.max(...between.map((o) => o.x + o.width)) + 16 + 10 * skips++;
      right = Math.max(right, xr + 16);
      const y1 = s.y + s.height / 2;
      const y2 = t.y + t.height / 2;
      return el('path', {
        d: `M${num(s.x + s.width)} ${num(y1)}L${num(xr)} ${num(y1)}L${num(xr)} ${num(y2)}L${num(t.x + t.width + 2)} ${num(y2)}`,
        ...attrs,
        class: 'edge skip',
      });
    }
    const x1 = s.x + s.width / 2;
    const y1 = s.y + s.height;
    const x2 = t.x + t.width / 2;
    const y2 = t.y - 2;
    const my = (y1 + y2) / 2;
    return el('path', {
      d: `M${num(x1)} ${num(y1)}C${num(x1)} ${num(my)} ${num(x2)} ${num(my)} ${num(x2)} ${num(y2)}`,
      ...attrs,
    });
  });
  const rects = boxes.map((b) =>
    el('g', { class: 'layer', 'data-name': b.layer.name, 'data-depth': b.depth }, [
      el('rect', {
        x: b.x,
        y: b.y,
        width: b.width,
        height: b.height,
        rx: 4,
        fill: b.layer.className === 'InputLayer' ? '#eef4fb' : '#f7f7f7',
        stroke: '#4e79a7',
      }),
      ...b.lines.map((l, i) =>
        text(b.x + 8, b.y + 5 + LINE * i + LINE / 2, l, {
          size: FONT,
          bold: i === 0,
          className: i === 0 ? 'layer-name' : 'layer-info',
        }),
      ),
    ]),
  );
  const total = graph.totalParams;
  const trainable = graph.trainableParams;
  const merges = boxes.filter((_, i) => edges.filter(([, b]) => b === i).length > 1).length;
  const branches = boxes.filter((_, i) => edges.filter(([a]) => a === i).length > 1).length;
  const body = [
    el(
      'defs',
      {},
      el(
        'marker',
        {
          id: marker,
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto',
        },
        el('path', { d: 'M0 0L10 5L0 10z', fill: '#555' }),
      ),
    ),
    el('g', { class: 'edges' }, arrows),
    el('g', { class: 'layers' }, rects),
    text(
      right / 2,
      height - 14,
      `Total params: ${formatCount(total)} (trainable ${formatCount(trainable)})`,
      { anchor: 'middle', size: FONT, className: 'totals' },
    ),
  ].join('');
  return figure({
    width: right,
    height,
    title: options.title ?? `Model "${graph.name}"`,
    description: `Layer graph of ${graph.name}: ${layers.length} layers in ${levels.length} levels, ${edges.length} connections${branches ? `, ${branches} branching point${branches > 1 ? 's' : ''}` : ''}${merges ? `, ${merges} merge${merges > 1 ? 's' : ''}` : ''}; ${formatCount(total)} parameters. Layers in order: ${layers.map((l) => `${l.name} (${l.className})`).join(', ')}.`,
    body,
  });
}
