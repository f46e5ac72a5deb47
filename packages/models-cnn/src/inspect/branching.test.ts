import { useBackend } from '@tensorfold/backend';
import { ConfigError, input, type Model, model, type SymbolicTensor, setSeed, tf } from '@tensorfold/core';
import {
  activation,
  add,
  batchNormalization,
  concatenate,
  conv2d,
  dense,
  globalAveragePooling2d,
  maxPooling2d,
} from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { mobileNetV2 } from '../applications/mobilenet-v2.js';
import { resnetSmall } from '../builders/resnet-small.js';
import { stackedConvNet } from '../builders/stacked-conv-net.js';
import { activations } from './activations.js';
import { gradCamLayer } from './cam-layer.js';
import { gradCam } from './grad-cam.js';

beforeAll(() => useBackend('wasm'));

// Smooth activations (tanh) everywhere, so finite differences see no ReLU kinks. `stem` is linear with a
// bias and feeds several branches: adding eps to bias k moves its channel k everywhere, which is how the
// independent computation below perturbs the feature maps.

/** stem -> {identity shortcut, tanh conv, 1x1 conv} -> add -> tanh -> pool -> softmax. */
function residualNet(): Model {
  setSeed(21);
  const x = input({ shape: [8, 8, 2] });
  const stem = conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'stem' }).apply(x);
  const branch = conv2d({
    filters: 4,
    kernelSize: 3,
    padding: 'same',
    activation: 'tanh',
    name: 'res_conv',
  }).apply(stem);
  const side = conv2d({ filters: 4, kernelSize: 1, activation: 'tanh', name: 'side_conv' }).apply(stem);
  const sum = add({ name: 'res_add' }).apply([stem, branch, side]) as SymbolicTensor;
  const out = activation({ activation: 'tanh', name: 'res_out' }).apply(sum);
  const y = dense({ units: 3, activation: 'softmax', name: 'predictions' }).apply(
    globalAveragePooling2d({ name: 'avg_pool' }).apply(out),
  );
  return model({ inputs: x, outputs: y, name: 'tiny_residual' });
}

/**
 * stem -> {1x1, 3x3, pool + 1x1} -> concatenate `mixed` -> pooled, and an extra conv on `mixed` pooled on
 * its own -> both concatenated -> softmax. The last image layer in graph order (`aux_conv`) is on a branch.
 */
function inceptionNet(): Model {
  setSeed(22);
  const x = input({ shape: [8, 8, 3] });
  const stem = conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'stem' }).apply(x);
  const b1 = conv2d({ filters: 3, kernelSize: 1, activation: 'tanh', name: 'branch1x1' }).apply(stem);
  // The 3x3 branch normalizes without a learned scale, as Inception v3's blocks do (scale: false).
  const b3 = activation({ activation: 'tanh', name: 'branch3x3_act' }).apply(
    batchNormalization({ scale: false, name: 'branch3x3_bn' }).apply(
      conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'branch3x3' }).apply(stem),
    ),
  );
  const pooled = maxPooling2d({ poolSize: 3, strides: 1, padding: 'same', name: 'branch_pool' }).apply(stem);
  const bp = conv2d({ filters: 2, kernelSize: 1, activation: 'tanh', name: 'branch_pool_conv' }).apply(
    pooled,
  );
  const mixed = concatenate({ name: 'mixed' }).apply([b1, b3, bp]) as SymbolicTensor; // [1, 8, 8, 8]
  const main = globalAveragePooling2d({ name: 'main_pool' }).apply(mixed);
  const aux = globalAveragePooling2d({ name: 'aux_pool' }).apply(
    conv2d({ filters: 2, kernelSize: 1, activation: 'tanh', name: 'aux_conv' }).apply(mixed),
  );
  const both = concatenate({ name: 'features' }).apply([main, aux]) as SymbolicTensor;
  const y = dense({ units: 3, activation: 'softmax', name: 'predictions' }).apply(both);
  return model({ inputs: x, outputs: y, name: 'tiny_inception' });
}

/**
 * Grad-CAM of `stem` computed without the code under test: the feature maps by a sub-model's predict, each
 * channel's weight (the mean gradient over the map) by central differences of predict with stem's bias
 * moved by +-eps, then ReLU of the weighted sum, divided by its maximum.
 */
function independentCam(m: Model, image: tf.Tensor4D, classIndex: number): Float32Array {
  const stem = m.getLayer('stem');
  const maps = model({ inputs: m.inputs, outputs: stem.output as SymbolicTensor }).predict(
    image,
  ) as tf.Tensor;
  const [, h, w, c] = maps.shape as number[];
  const a = maps.dataSync(); // [1, h, w, c]
  const [kernel, bias] = stem.getWeights();
  const b = bias.dataSync();
  const eps = 1e-2;
  const score = (k: number, delta: number) => {
    const moved = Float32Array.from(b);
    moved[k] += delta;
    const nb = tf.tensor1d(moved);
    stem.setWeights([kernel, nb]);
    const y = m.predict(image) as tf.Tensor;
    const s = y.dataSync()[classIndex];
    tf.dispose([nb, y]);
    return s;
  };
  const weights = Array.from({ length: c }, (_, k) => (score(k, eps) - score(k, -eps)) / (2 * eps) / (h * w));
  stem.setWeights([kernel, bias]);
  const cam = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += weights[k] * a[p * c + k];
    cam[p] = Math.max(0, s);
  }
  const max = Math.max(...cam);
  tf.dispose([maps, kernel, bias]);
  return cam.map((v) => (max > 0 ? v / max : 0));
}

describe('Grad-CAM on branching models', () => {
  for (const [name, build, channels] of [
    ['residual (identity shortcut + two conv branches, added)', residualNet, 2],
    ['inception-style (three branches, concatenated)', inceptionNet, 3],
  ] as const) {
    it(`${name}: the heatmap of a layer that feeds several branches matches finite differences`, () => {
      const m = build();
      const image = tf.randomUniform([1, 8, 8, channels], 0, 1, 'float32', 5) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      // The class scores sum to 1, so each place speaks for some class: over the three classes, many
      // places light up (part way), so the comparison is not one of empty heatmaps.
      let lit = 0;
      for (const cls of [0, 1, 2]) {
        const cam = gradCam(m, image, cls, { layerName: 'stem' });
        const got = cam.dataSync();
        const want = independentCam(m, image, cls);
        expect(cam.shape).toEqual([8, 8]);
        // Not a trivial heatmap: something lights up, and not everything equally.
        expect(Math.max(...want)).toBeCloseTo(1, 5);
        lit += want.filter((v) => v > 0.01 && v < 0.99).length;
        for (let p = 0; p < got.length; p++) expect(got[p]).toBeCloseTo(want[p], 2);
        cam.dispose();
      }
      expect(lit).toBeGreaterThan(20);
      expect(tf.memory().numTensors).toBe(before);
      image.dispose();
      m.dispose();
    });
  }

  it('picks by default the last image layer that every path to the output passes through', async () => {
    const res = residualNet();
    expect(gradCamLayer(res).name).toBe('res_out');
    const inc = inceptionNet();
    // aux_conv comes last in graph order, but the main branch skips it: mixed carries everything.
    expect(inc.layers.filter((l) => l.name === 'aux_conv').length).toBe(1);
    expect(gradCamLayer(inc).name).toBe('mixed');
    const image = tf.randomUniform([8, 8, 3], 0, 1, 'float32', 6);
    const byDefault = gradCam(inc, image, 1);
    const named = gradCam(inc, image, 1, { layerName: 'mixed' });
    expect(Array.from(byDefault.dataSync())).toEqual(Array.from(named.dataSync()));
    // A branch layer can still be named: its heatmap differs from the merged one.
    const branch = gradCam(inc, image, 1, { layerName: 'branch3x3' });
    expect(Array.from(branch.dataSync())).not.toEqual(Array.from(named.dataSync()));
    tf.dispose([image, byDefault, named, branch]);
    const small = resnetSmall({ inputShape: [16, 16, 1], filters: [4, 8], blocksPerStage: 1 });
    expect(gradCamLayer(small).name).toBe('conv3_block1_out');
    // A pooling layer at the end is passed over for the finer map before it (Keras uses block5_conv3 of VGG).
    const stacked = stackedConvNet({ blocks: 2, inputShape: [16, 16, 1] });
    expect(stacked.layers.map((l) => l.name)).toContain('pool2');
    expect(gradCamLayer(stacked).name).toBe('conv2');
    // Keras's MobileNetV2 (inverted residual blocks): its last ReLU, explained through every block.
    const mobile = await mobileNetV2({ inputShape: [32, 32, 3], alpha: 0.35, classes: 3 });
    expect(gradCamLayer(mobile).name).toBe('out_relu');
    const picture = tf.randomUniform([32, 32, 3], 0, 1, 'float32', 8);
    const before = tf.memory().numTensors;
    const cam = gradCam(mobile, picture, 2, { layerName: 'block_2_add', size: 'input' });
    expect(cam.shape).toEqual([32, 32]);
    // Scaled to a maximum of 1 even though an untrained net's gradients there are tiny.
    expect(Math.max(...cam.dataSync())).toBeCloseTo(1, 5);
    cam.dispose();
    expect(tf.memory().numTensors).toBe(before);
    picture.dispose();
    tf.dispose([res, inc, small, stacked, mobile] as never);
  });

  it('bad layers: unknown (listing the names), not an image, not on the way to the output, no single cut', () => {
    const inc = inceptionNet();
    const image = tf.zeros([8, 8, 3]);
    expect(() => gradCam(inc, image, 0, { layerName: 'mixed_9' })).toThrow(
      /no layer "mixed_9". Its layers: .*branch1x1.*mixed/,
    );
    expect(() => gradCam(inc, image, 0, { layerName: 'features' })).toThrow(
      /image output.*Pick one of: stem/,
    );
    // Two towers pooled apart: no image layer carries everything, so the user must name one.
    const x = input({ shape: [8, 8, 1] });
    const left = globalAveragePooling2d({}).apply(
      conv2d({ filters: 2, kernelSize: 3, name: 'left' }).apply(x),
    );
    const right = globalAveragePooling2d({}).apply(
      conv2d({ filters: 2, kernelSize: 1, name: 'right' }).apply(x),
    );
    const towers = model({
      inputs: x,
      outputs: dense({ units: 2 }).apply(concatenate({}).apply([left, right]) as SymbolicTensor),
    });
    expect(() => gradCamLayer(towers)).toThrow(ConfigError);
    expect(() => gradCamLayer(towers)).toThrow(/name one with layerName: left, right/);
    // A second output fed by a layer the first output does not depend on.
    const x2 = input({ shape: [8, 8, 1] });
    const c = conv2d({ filters: 2, kernelSize: 3, name: 'c' }).apply(x2);
    const only2 = conv2d({ filters: 2, kernelSize: 1, name: 'only_second' }).apply(c);
    const two = model({
      inputs: x2,
      outputs: [
        dense({ units: 2 }).apply(globalAveragePooling2d({}).apply(c)),
        globalAveragePooling2d({}).apply(only2),
      ],
    });
    expect(gradCamLayer(two).name).toBe('c');
    expect(() => gradCamLayer(two, 'only_second')).toThrow(/does not depend on layer "only_second"/);
    tf.dispose([image]);
    tf.dispose([inc, towers, two] as never);
  });
});

describe('activations on branching models', () => {
  it('gives every branch and merge: an add is the sum of its branches, a concatenation their channels', () => {
    const res = residualNet();
    const inc = inceptionNet();
    const image = tf.randomUniform([8, 8, 2], 0, 1, 'float32', 7);
    const rgb = tf.tidy(() => tf.tile(image, [1, 1, 2]).slice([0, 0, 0], [8, 8, 3]));
    const before = tf.memory().numTensors;
    const r = activations(res, image);
    expect(Object.keys(r)).toEqual(
      expect.arrayContaining(['stem', 'res_conv', 'side_conv', 'res_add', 'res_out']),
    );
    const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.addN([r.stem, r.res_conv, r.side_conv]), r.res_add))));
    expect(gap.dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([gap, ...Object.values(r)]);
    const i = activations(inc, rgb, ['mixed', 'branch1x1', 'branch3x3_act', 'branch_pool_conv']);
    const joined = tf.concat([i.branch1x1, i.branch3x3_act, i.branch_pool_conv], 3);
    expect(i.mixed.shape).toEqual([1, 8, 8, 8]);
    expect(Array.from(joined.dataSync())).toEqual(Array.from(i.mixed.dataSync()));
    tf.dispose([joined, ...Object.values(i)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([image, rgb]);
    tf.dispose([res, inc] as never);
  });
});
