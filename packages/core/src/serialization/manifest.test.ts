import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequential } from '../engine/sequential.js';
import { SerializationError } from '../errors.js';
import { fileSystem } from '../io/file-system.js';
import { useCpu } from '../test-utils/setup.js';
import { ToyDense } from '../test-utils/toys.js';
import { modelFromArtifacts, modelToArtifacts } from './artifacts.js';
import { loadModel, saveModel } from './save-load.js';

const dirs: string[] = [];
beforeAll(useCpu);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A dense 2 -> 4 -> 3 model's artifacts: weights dense_a/kernel, dense_a/bias, dense_b/kernel, dense_b/bias. */
async function artifacts(): Promise<tf.io.ModelArtifacts> {
  const m = sequential({
    layers: [
      new ToyDense({ units: 4, inputShape: [2], name: 'dense_a', seed: 1 }),
      new ToyDense({ units: 3, name: 'dense_b', seed: 2 }),
    ],
  });
  const a = await modelToArtifacts(m);
  m.dispose();
  return a;
}

/** Counts of tensors and variables, which a failed load must leave as they were. */
const allocated = () => [tf.memory().numTensors, Object.keys(tf.engine().registeredVariables).length];

describe('loading a malformed weights manifest', () => {
  it('raises SerializationError naming the entry and field, with nothing allocated', async () => {
    const good = await artifacts();
    const specs = good.weightSpecs as tf.io.WeightsManifestEntry[];
    const cases: Array<[string, unknown[], RegExp]> = [
      [
        'dtype float99',
        specs.map((s, i) => (i === 1 ? { ...s, dtype: 'float99' } : s)),
        /entry 1 \("dense_a\/bias"\) has "dtype" "float99"/,
      ],
      [
        'complex64',
        specs.map((s, i) => (i === 0 ? { ...s, dtype: 'complex64' } : s)),
        /entry 0 \("dense_a\/kernel"\) has "dtype" "complex64"/,
      ],
      ['a null entry', specs.map((s, i) => (i === 2 ? null : s)), /entry 2 must be an object .* got null/],
      [
        'shape null',
        specs.map((s, i) => (i === 3 ? { ...s, shape: null } : s)),
        /entry 3 \("dense_b\/bias"\) has "shape" null; it must be a list of non-negative integers/,
      ],
      [
        'shape ["4"]',
        specs.map((s, i) => (i === 1 ? { ...s, shape: ['4'] } : s)),
        /entry 1 \("dense_a\/bias"\) has "shape" \["4"\]/,
      ],
      [
        'negative dimension',
        specs.map((s, i) => (i === 1 ? { ...s, shape: [-4] } : s)),
        /has "shape" \[-4\]/,
      ],
      ['no name', specs.map((s, i) => (i === 1 ? { ...s, name: 5 } : s)), /entry 1 has "name" 5/],
      [
        'bad quantization',
        specs.map((s, i) => (i === 1 ? { ...s, quantization: { dtype: 'int3' } } : s)),
        /"quantization" .*uint8, uint16 or float16/,
      ],
      ['listed twice', [...specs, specs[0]], /entry 4 \("dense_a\/kernel"\) repeats the name of entry 0/],
      ['not a list', 7 as unknown as unknown[], /"weights" must be a list, got 7/],
    ];
    for (const [what, weightSpecs, message] of cases) {
      const before = allocated();
      const attempt = modelFromArtifacts({
        ...good,
        weightSpecs: weightSpecs as tf.io.WeightsManifestEntry[],
      });
      await expect(attempt, what).rejects.toThrow(SerializationError);
      await expect(
        modelFromArtifacts({ ...good, weightSpecs: weightSpecs as tf.io.WeightsManifestEntry[] }),
        what,
      ).rejects.toThrow(message);
      expect(allocated(), what).toEqual(before);
    }
    const loaded = await modelFromArtifacts(good);
    expect(loaded.weights.length).toBe(4);
    loaded.dispose();
  });

  it('refuses shard paths that are not file names inside the directory (paths: [5], ../)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensorfold-manifest-'));
    dirs.push(dir);
    const m = sequential({ layers: [new ToyDense({ units: 2, inputShape: [2], name: 'd' })] });
    await saveModel(m, fileSystem(dir));
    m.dispose();
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    for (const paths of [[5], ['../../etc/passwd'], ['/etc/passwd'], ['']]) {
      writeFileSync(
        join(dir, 'model.json'),
        JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths }] }),
      );
      const before = allocated();
      await expect(loadModel(fileSystem(dir)), JSON.stringify(paths)).rejects.toThrow(
        /lists weight shard .* in "weightsManifest"\[0\]\.paths; a shard path must be a file name inside/,
      );
      expect(allocated()).toEqual(before);
    }
  });
});

describe('loading weights that hold NaN or Infinity', () => {
  it('refuses them naming the weight, unless allowNonFinite', async () => {
    const good = await artifacts();
    const data = (good.weightData as ArrayBuffer).slice(0);
    // dense_b/kernel starts after dense_a's 8 + 4 floats; put Infinity at its index 5 and NaN at 6
    const floats = new Float32Array(data);
    floats[12 + 5] = Number.POSITIVE_INFINITY;
    floats[12 + 6] = Number.NaN;
    const before = allocated();
    const bad = { ...good, weightData: data };
    await expect(modelFromArtifacts(bad)).rejects.toThrow(SerializationError);
    await expect(modelFromArtifacts(bad)).rejects.toThrow(
      /Weight "dense_b\/kernel" holds Infinity at index 5 \(2 of its 12 values are NaN or infinite\).*allowNonFinite: true/,
    );
    expect(allocated()).toEqual(before);
    const inspected = await modelFromArtifacts(bad, { allowNonFinite: true });
    const kernel = await inspected.weights[2].read().data();
    expect([kernel[5], kernel[6]]).toEqual([Number.POSITIVE_INFINITY, Number.NaN]);
    inspected.dispose();
  });
});

describe('a model.json whose layers claim more weights than its data holds', () => {
  it('is refused before the weights are allocated (2^25 and 2^30 input units)', async () => {
    const good = await artifacts();
    for (const units of [2 ** 25, 2 ** 30]) {
      const topology = JSON.parse(JSON.stringify(good.modelTopology));
      topology.config.layers[0].config.batch_input_shape = [null, units];
      const before = allocated();
      const start = performance.now();
      await expect(modelFromArtifacts({ ...good, modelTopology: topology })).rejects.toThrow(
        new RegExp(
          `Layer "dense_a" would create weight "kernel" of shape \\[${units}, 4\\] \\(${units * 4} values\\), but the weight data holds only 27 values in all`,
        ),
      );
      expect(performance.now() - start).toBeLessThan(1000);
      expect(allocated()).toEqual(before);
    }
    // the second layer too: the first layer's weights, made before, are freed
    const topology = JSON.parse(JSON.stringify(good.modelTopology));
    topology.config.layers[1].config.units = 2 ** 25;
    const before = allocated();
    await expect(modelFromArtifacts({ ...good, modelTopology: topology })).rejects.toThrow(
      /Layer "dense_b" would create weight "kernel" of shape \[4, 33554432\].*\(15 left for this layer\)/,
    );
    expect(allocated()).toEqual(before);
  });
});
