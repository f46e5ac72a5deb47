import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { input } from '../engine/input-layer.js';
import { type Model, model } from '../engine/model.js';
import { sequential } from '../engine/sequential.js';
import type { SymbolicTensor } from '../engine/symbolic.js';
import { SerializationError } from '../errors.js';
import { fileSystem, registerFileRouters, writeAtomically } from '../io/file-system.js';
import { useCpu } from '../test-utils/setup.js';
import { separableData, ToyAdd, ToyDense, ToySGD } from '../test-utils/toys.js';
import { modelFromArtifacts, modelToArtifacts } from './artifacts.js';
import { loadModel, memoryIO, saveModel } from './save-load.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tensorfold-save-'));
  dirs.push(d);
  return d;
}

beforeAll(useCpu);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function samePredictions(a: Model, b: Model, x: tf.Tensor): Promise<number> {
  const pa = a.predict(x) as tf.Tensor;
  const pb = b.predict(x) as tf.Tensor;
  const diff = (await tf.max(tf.abs(tf.sub(pa, pb))).data())[0];
  tf.dispose([pa, pb]);
  return diff;
}

function residualModel(): Model {
  const x = input({ shape: [3], name: 'features' });
  const h = new ToyDense({ units: 3, activation: 'relu' }).apply(x);
  const y = new ToyDense({ units: 2 }).apply(new ToyAdd().apply([x, h]) as SymbolicTensor);
  return model({ inputs: x, outputs: y, name: 'residual' });
}

describe('saving and loading', () => {
  it('round-trips a functional model through memory with identical predictions', async () => {
    const m = residualModel();
    const io = memoryIO();
    await saveModel(m, io);
    expect(io.artifacts?.format).toBe('layers-model');
    // biome-ignore lint/suspicious/noExplicitAny: walking untyped JSON in a test
    const topology = io.artifacts?.modelTopology as Record<string, any>;
    expect(topology.class_name).toBe('Model');
    expect(topology.config.input_layers).toEqual([['features', 0, 0]]);
    const loaded = await loadModel(io);
    expect(loaded.layers.map((l) => l.name)).toEqual(m.layers.map((l) => l.name));
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
    expect(await samePredictions(m, loaded, x)).toBe(0);
  });

  it('round-trips a sequential model through a directory, atomically, leaving no temporary files', async () => {
    registerFileRouters();
    const dir = tempDir();
    const m = sequential({
      layers: [new ToyDense({ units: 4, inputShape: [2] }), new ToyDense({ units: 1 })],
    });
    await m.save(`file://${dir}`);
    const first = readdirSync(dir).sort();
    expect(first).toHaveLength(2);
    expect(first[0]).toMatch(/^group1-shard1of1\.[0-9a-f]+\.bin$/);
    expect(first[1]).toBe('model.json');
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(
      m.weights.map((w) => w.path),
    );
    const loaded = await loadModel(`file://${dir}`);
    expect(loaded.className).toBe('Sequential');
    const x = tf.ones([3, 2]);
    expect(await samePredictions(m, loaded, x)).toBe(0);
    // Saving new weights replaces the shard and removes the old one.
    m.getLayer(0).setWeights([tf.ones([2, 4]), tf.ones([4])]);
    await saveModel(m, fileSystem(dir));
    const second = readdirSync(dir).sort();
    expect(second).toHaveLength(2);
    expect(second[0]).not.toBe(first[0]);
    // Temporary files of a save that was killed go with the next save; a running writer's stay.
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number; // a process that has ended
    const stranded = [
      `model.json.tmp-${gone}-0badf00d`,
      `group1-shard1of1.0123456789ab.bin.tmp-${gone}-00c0ffee`,
    ];
    const live = `model.json.tmp-${process.ppid}-12345678`;
    for (const file of [...stranded, live]) writeFileSync(join(dir, file), 'partial');
    await saveModel(m, fileSystem(dir));
    expect(readdirSync(dir).sort()).toEqual([...second, live].sort());
  });

  it('writeAtomically leaves no temporary file when the write fails', async () => {
    const dir = tempDir();
    const path = join(dir, 'log.csv');
    await expect(writeAtomically(path, 42 as unknown as string)).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
    await writeAtomically(path, 'a,b\n');
    expect(readdirSync(dir)).toEqual(['log.csv']);
  });

  it('saves the optimizer state when asked and restores it on load', async () => {
    const m = sequential({ layers: [new ToyDense({ units: 1, inputShape: [2], activation: 'sigmoid' })] });
    m.compile({ optimizer: new ToySGD(0.3), loss: 'toyMse' });
    const { x, y } = separableData(8);
    await m.fit(x, y, { epochs: 2, batchSize: 4 });
    const io = memoryIO();
    await m.save(io, { includeOptimizer: true });
    const specs = io.artifacts?.weightSpecs ?? [];
    expect(specs.filter((s) => s.group === 'optimizer').map((s) => s.name)).toEqual(['iter']);
    expect(io.artifacts?.trainingConfig?.loss).toBe('toyMse');
    const loaded = await loadModel(io);
    expect(loaded.isCompiled).toBe(true);
    expect(loaded.optimizer.iterations).toBe(4);
    expect(loaded.optimizer.learningRate).toBeCloseTo(0.3);
    tf.dispose([x, y]);
  });

  it('writes loss weights into the training config only when one is not 1 (tfjs-layers refuses them)', async () => {
    const inp = input({ shape: [2] });
    const outputs = [
      new ToyDense({ units: 1, name: 'first' }).apply(inp),
      new ToyDense({ units: 1, name: 'second' }).apply(inp),
    ] as SymbolicTensor[];
    const m = model({ inputs: inp, outputs });
    m.compile({ optimizer: new ToySGD(0.1), loss: ['toyMse', 'toyMse'] });
    const unweighted = memoryIO();
    await m.save(unweighted);
    expect(unweighted.artifacts?.trainingConfig).not.toHaveProperty('loss_weights');
    m.compile({ optimizer: new ToySGD(0.1), loss: ['toyMse', 'toyMse'], lossWeights: [1, 0.5] });
    const weighted = memoryIO();
    await m.save(weighted);
    expect(weighted.artifacts?.trainingConfig?.loss_weights).toEqual([1, 0.5]);
    for (const [io, weights] of [
      [unweighted, [1, 1]],
      [weighted, [1, 0.5]],
    ] as const) {
      const loaded = await loadModel(io);
      expect(loaded.requireCompiled('test').losses.map((l) => l.weight)).toEqual(weights);
      loaded.dispose();
    }
    m.dispose();
  });

  it('reports a corrupt model.json, a missing shard and a truncated shard with typed errors', async () => {
    const m = residualModel();
    const corrupt = tempDir();
    await saveModel(m, fileSystem(corrupt));
    writeFileSync(join(corrupt, 'model.json'), '{"modelTopology": {"class_name": ');
    await expect(loadModel(fileSystem(corrupt))).rejects.toThrow(SerializationError);
    await expect(loadModel(fileSystem(corrupt))).rejects.toThrow(/not valid JSON.*Re-save/);

    const missing = tempDir();
    await saveModel(m, fileSystem(missing));
    const shard = readdirSync(missing).find((f) => f.endsWith('.bin')) as string;
    rmSync(join(missing, shard));
    await expect(loadModel(fileSystem(missing))).rejects.toThrow(
      new RegExp(`${shard.replace(/\./g, '\\.')}.*cannot be read`),
    );

    const truncated = tempDir();
    await saveModel(m, fileSystem(truncated));
    const shard2 = readdirSync(truncated).find((f) => f.endsWith('.bin')) as string;
    truncateSync(join(truncated, shard2), 10);
    await expect(loadModel(fileSystem(truncated))).rejects.toThrow(
      /weight data has 10 bytes but the manifest describes/,
    );

    await expect(loadModel(fileSystem(join(tempDir(), 'nothing-here')))).rejects.toThrow(
      /model\.json does not exist/,
    );
  });

  it('rejects weights that do not fit the topology and unknown layer classes, leaving nothing allocated', async () => {
    const m = residualModel();
    const artifacts = await modelToArtifacts(m);
    const before = tf.memory().numTensors;
    const wrongShape = {
      ...artifacts,
      weightSpecs: artifacts.weightSpecs?.map((s, i) =>
        i === 2 ? { ...s, shape: [s.shape[1], s.shape[0]] } : s,
      ),
    };
    await expect(modelFromArtifacts(wrongShape)).rejects.toThrow(
      /has shape \[2,3\] in the file but \[3,2\] in the model/,
    );
    const renamed = {
      ...artifacts,
      weightSpecs: artifacts.weightSpecs?.map((s, i) => (i === 0 ? { ...s, name: 'other/kernel' } : s)),
    };
    await expect(modelFromArtifacts(renamed)).rejects.toThrow(/lacks weights the model needs/);
    const truncated = { ...artifacts, weightData: (artifacts.weightData as ArrayBuffer).slice(0, 8) };
    await expect(modelFromArtifacts(truncated)).rejects.toThrow(/weight data has 8 bytes/);
    // The models rebuilt for these failed loads are disposed with their weights.
    expect(tf.memory().numTensors).toBe(before);
    const topology = JSON.parse(JSON.stringify(artifacts.modelTopology));
    topology.config.layers[1].class_name = 'NoSuchLayer';
    await expect(modelFromArtifacts({ ...artifacts, modelTopology: topology })).rejects.toThrow(
      /Unknown layer "NoSuchLayer"/,
    );
  });

  it('says how to enable file:// when no router handles a URL', async () => {
    const m = residualModel();
    await expect(saveModel(m, 'nowhere://x')).rejects.toThrow(/No way to save/);
  });
});
