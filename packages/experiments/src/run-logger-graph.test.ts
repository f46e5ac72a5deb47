import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { model as functional, input, Model, sequential, setSeed, tf } from '@tensorfold/core';
import { concatenate, dense, embedding, flatten } from '@tensorfold/layers';
import '@tensorfold/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLogger } from './run-logger.js';
import { RunReader, readEmbedding } from './run-reader.js';
import { readEvents } from './test-utils/event-reader.js';
import { readMetadataTsv, readProjectorConfig, readTensorTsv } from './test-utils/projector-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorfold-runlog-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend({ require: 'wasm' });
});

function trainEvents(logdir: string) {
  const folder = join(logdir, 'train');
  const file = readdirSync(folder).find((f) => f.startsWith('events.out.tfevents.'))!;
  return readEvents(join(folder, file)).events.slice(1);
}

describe('runLogger: model graph and embeddings', () => {
  it("logs a functional model's graph for TensorBoard's Graphs tab and for the board, branches and merge included", async () => {
    setSeed(3);
    const x = input({ shape: [4], name: 'features' });
    const left = dense({ units: 3, name: 'left' }).apply(x);
    const right = dense({ units: 2, name: 'right' }).apply(x);
    const merged = concatenate({ name: 'merge' }).apply([left, right] as never);
    const out = dense({ units: 2, activation: 'softmax', name: 'head' }).apply(merged);
    const m = functional({ inputs: x, outputs: out as never, name: 'branches' });
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const xs = tf.randomNormal([12, 4], 0, 1, 'float32', 1);
    const ys = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const logdir = join(dir, 'graph');
    await m.fit(xs, ys, { epochs: 1, verbose: 0, callbacks: [runLogger(logdir, { histogramsEvery: 0 })] });
    const values = trainEvents(logdir).flatMap((e) => e.summary?.value ?? []);
    const keras = values.find((v) => v.tag === 'keras');
    expect(keras.metadata.pluginData.pluginName).toBe('graph_keras_model');
    const json = JSON.parse(new TextDecoder().decode(keras.tensor.stringVal[0]));
    expect(json.class_name).toBe('Model'); // as tfjs-layers names a functional model
    const layers = json.config.layers as { name: string; inbound_nodes: unknown[] }[];
    expect(layers.map((l) => l.name)).toEqual(['features', 'left', 'right', 'merge', 'head']);
    const graphValue = values.find((v) => v.tag === 'model_graph');
    expect(graphValue.metadata.pluginData.pluginName).toBe('tensorfold_model_graph');
    const graph = JSON.parse(new TextDecoder().decode(graphValue.tensor.stringVal[0]));
    const names = graph.layers.map((l: { name: string }) => l.name);
    const edges = graph.edges.map(([a, b]: [number, number]) => `${names[a]}->${names[b]}`).sort();
    expect(edges).toEqual([
      'features->left',
      'features->right',
      'left->merge',
      'merge->head',
      'right->merge',
    ]);
    expect(graph.layers.find((l: { name: string }) => l.name === 'merge').inShapes).toEqual([
      [null, 3],
      [null, 2],
    ]);
    expect(graph.totalParams).toBe(m.countParams());
    // The reader gives the graph to the board.
    const [run] = new RunReader(logdir).read();
    expect(run.graph?.layers.map((l) => l.params)).toEqual([0, 15, 10, 0, 12]);
    expect(run.texts.keras).toBeUndefined(); // not shown as text
    tf.dispose([xs, ys]);
    m.dispose();
  });

  it("logs a layer's activations on sample inputs every 2 epochs, with labels, as TensorBoard's projector reads them", async () => {
    setSeed(4);
    const m = sequential({
      layers: [
        dense({ units: 6, activation: 'relu', inputShape: [4], name: 'hidden' }),
        dense({ units: 3, activation: 'softmax', name: 'out' }),
      ],
    });
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' }); // no optimizer state to count
    const xs = tf.randomNormal([30, 4], 0, 1, 'float32', 2);
    const ys = tf.tensor1d(Array.from({ length: 30 }, (_, i) => i % 3));
    const sample = tf.slice(xs, [0], [9]);
    const logdir = join(dir, 'activations');
    const before = tf.memory().numTensors;
    await m.fit(xs, ys, {
      epochs: 4,
      verbose: 0,
      callbacks: [
        runLogger(logdir, {
          histogramsEvery: 0,
          embeddings: {
            layer: 'hidden',
            inputs: sample,
            labels: Array.from({ length: 9 }, (_, i) => i % 3),
            classNames: ['a', 'b', 'c'],
            every: 2,
          },
        }),
      ],
    });
    expect(tf.memory().numTensors).toBe(before);
    const config = readProjectorConfig(join(logdir, 'train', 'projector_config.pbtxt'));
    expect(config.map((e) => e.tensor_name)).toEqual(['hidden/step-1', 'hidden/step-3']);
    expect(config[1].tensor_shape).toEqual([9, 6]);
    const last = config[1];
    const rows = readTensorTsv(join(logdir, 'train', last.tensor_path));
    expect(rows).toHaveLength(9);
    // The last snapshot is the trained model's hidden activations on the sample.
    const probe = new Model({
      inputs: m.inputs,
      outputs: [m.layers.find((l) => l.name === 'hidden')!.output as never],
    });
    const [expected] = probe.forward([sample], { training: false });
    const want = (await expected.array()) as number[][];
    expected.dispose();
    for (let i = 0; i < 9; i++) for (let j = 0; j < 6; j++) expect(rows[i][j]).toBeCloseTo(want[i][j], 5);
    expect(readMetadataTsv(join(logdir, 'train', last.metadata_path!))).toEqual([
      'a',
      'b',
      'c',
      'a',
      'b',
      'c',
      'a',
      'b',
      'c',
    ]);
    // The package's reader finds the same embedding.
    const [run] = new RunReader(logdir).read();
    expect(run.embeddings.map((e) => [e.name, e.step])).toEqual([
      ['hidden', 1],
      ['hidden', 3],
    ]);
    const read = readEmbedding(run.embeddings[1]);
    expect([read.n, read.d, read.labels?.[1]]).toEqual([9, 6, 'b']);
    tf.dispose([xs, ys, sample]);
    m.dispose();
  });

  it("logs an Embedding layer's vectors (one row per token) with word labels", async () => {
    setSeed(5);
    const m = sequential({
      layers: [
        embedding({ inputDim: 5, outputDim: 3, inputLength: 2, name: 'words' }),
        flatten(),
        dense({ units: 1 }),
      ],
    });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const xs = tf.tensor2d([
      [0, 1],
      [2, 3],
      [4, 0],
    ]);
    const ys = tf.tensor2d([[1], [0], [1]]);
    const logdir = join(dir, 'words');
    const words = ['the', 'cat', 'sat', 'on', 'mat'];
    await m.fit(xs, ys, {
      epochs: 1,
      verbose: 0,
      callbacks: [runLogger(logdir, { embeddings: { layer: 'words', labels: words } })],
    });
    const [entry] = readProjectorConfig(join(logdir, 'train', 'projector_config.pbtxt'));
    const rows = readTensorTsv(join(logdir, 'train', entry.tensor_path));
    const weight = Array.from(await m.layers[0].weights[0].read().data());
    expect(rows.flat()).toEqual(weight.map((v) => expect.closeTo(v, 7)));
    expect(readMetadataTsv(join(logdir, 'train', entry.metadata_path!))).toEqual(words);
    tf.dispose([xs, ys]);
    m.dispose();
  });

  it('refuses a layer the model lacks (naming its layers) or mismatched labels before any file is made', async () => {
    const m = sequential({ layers: [dense({ units: 2, inputShape: [2], name: 'only' })] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const xs = tf.ones([4, 2]);
    const logdir = join(dir, 'refused');
    await expect(
      m.fit(xs, xs, {
        verbose: 0,
        callbacks: [runLogger(logdir, { embeddings: { layer: 'nope', inputs: xs } })],
      }),
    ).rejects.toThrow(/no layer "nope"; its layers are .*only/);
    await expect(
      m.fit(xs, xs, {
        verbose: 0,
        callbacks: [runLogger(logdir, { embeddings: { layer: 'only', inputs: xs, labels: [0, 1] } })],
      }),
    ).rejects.toThrow(/2 labels for 4 points/);
    await expect(
      m.fit(xs, xs, { verbose: 0, callbacks: [runLogger(logdir, { embeddings: { layer: 'only' } })] }),
    ).rejects.toThrow(/"only" \(Dense\) has no 2-D "embeddings" weight/);
    expect(existsSync(logdir)).toBe(false);
    xs.dispose();
    m.dispose();
  });
});
