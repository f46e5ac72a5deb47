import { useBackend } from '@tensorfold/backend';
import { ConfigError, input, model, ShapeError, setSeed, tf } from '@tensorfold/core';
import { conv2d, dense, globalAveragePooling2d, maxPooling2d } from '@tensorfold/layers';
import '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { activations } from './activations.js';
import { filterPattern } from './filter-pattern.js';
import { gradCam } from './grad-cam.js';
import { fitImage } from './graph-run.js';

beforeAll(() => useBackend('wasm'));

const SIZE = 16;

/** A noisy 16x16 image; with `square`, a bright 4x4 square whose top-left corner is `square`. */
function picture(seed: number, square?: [number, number]): tf.Tensor3D {
  return tf.tidy(() => {
    const noise = tf.randomUniform([SIZE, SIZE, 1], 0, 0.3, 'float32', seed);
    if (!square) return noise as tf.Tensor3D;
    const b = tf.buffer([SIZE, SIZE, 1]);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) b.set(1, square[0] + i, square[1] + j, 0);
    return tf.add(noise, b.toTensor()) as tf.Tensor3D;
  });
}

/** A small convnet trained to say whether an image holds a bright square (class 1) or not (class 0). */
async function squareDetector() {
  setSeed(11);
  const x = input({ shape: [SIZE, SIZE, 1] });
  let h = conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }).apply(x);
  h = conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' }).apply(h);
  const pooled = globalAveragePooling2d({ name: 'gap' }).apply(h);
  const y = dense({ units: 2, activation: 'softmax', name: 'out' }).apply(pooled);
  const m = model({ inputs: x, outputs: y, name: 'square_detector' });
  const images: tf.Tensor3D[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 96; i++) {
    const has = i % 2 === 1;
    images.push(picture(100 + i, has ? [(i * 5) % 12, (i * 7) % 12] : undefined));
    labels.push(has ? 1 : 0);
  }
  const xs = tf.stack(images);
  const ys = tf.tensor1d(labels, 'int32');
  tf.dispose(images);
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await m.fit(xs, ys, { epochs: 25, batchSize: 16, seed: 1 });
  tf.dispose([xs, ys]);
  return { m, accuracy: history.history.accuracy.at(-1) as number };
}

describe('seeing inside a convnet', () => {
  it('Grad-CAM of a bright-square detector peaks on the square', async () => {
    const { m, accuracy } = await squareDetector();
    expect(accuracy).toBeGreaterThan(0.9);
    const before = tf.memory().numTensors;
    for (const corner of [
      [2, 3],
      [10, 9],
      [1, 11],
    ] as Array<[number, number]>) {
      const image = picture(999, corner);
      const cam = gradCam(m, image, 1);
      expect(cam.shape).toEqual([SIZE, SIZE]);
      const values = await cam.data();
      const peak = values.indexOf(Math.max(...values));
      const [r, c] = [Math.floor(peak / SIZE), peak % SIZE];
      // The peak lies on the square (or on its one-pixel border, which the 3x3 convs see).
      expect(r).toBeGreaterThanOrEqual(corner[0] - 1);
      expect(r).toBeLessThanOrEqual(corner[0] + 4);
      expect(c).toBeGreaterThanOrEqual(corner[1] - 1);
      expect(c).toBeLessThanOrEqual(corner[1] + 4);
      expect(Math.max(...values)).toBeCloseTo(1, 5);
      tf.dispose([image, cam]);
    }
    expect(tf.memory().numTensors).toBe(before);
    const big = gradCam(m, tf.expandDims(picture(5, [4, 4]), 0), 1, { layerName: 'conv1', size: 'input' });
    expect(big.shape).toEqual([SIZE, SIZE]);
    big.dispose();
    m.dispose();
  });

  it('activations returns every feature map, or those asked, by name', () => {
    setSeed(3);
    const x = input({ shape: [12, 12, 1] });
    const c1 = conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'c1' }).apply(x);
    const p1 = maxPooling2d({ poolSize: 2, name: 'p1' }).apply(c1);
    const y = dense({ units: 3, activation: 'softmax', name: 'out' }).apply(
      globalAveragePooling2d({}).apply(p1),
    );
    const m = model({ inputs: x, outputs: y });
    const image = tf.ones([12, 12, 1]);
    const all = activations(m, image);
    expect(Object.keys(all)).toEqual(['c1', 'p1']);
    expect(all.c1.shape).toEqual([1, 10, 10, 4]);
    expect(all.p1.shape).toEqual([1, 5, 5, 4]);
    // The pooled map is the 2x2 max of the conv map.
    const pooled = tf.maxPool(all.c1 as tf.Tensor4D, 2, 2, 'valid');
    expect(Array.from(pooled.dataSync())).toEqual(Array.from(all.p1.dataSync()));
    const some = activations(m, image, ['out', 'c1']);
    expect(Object.keys(some)).toEqual(['out', 'c1']);
    expect(some.out.shape).toEqual([1, 3]);
    expect(() => activations(m, image, ['conv9'])).toThrow(/no layer "conv9". Its layers: .*c1, p1/);
    expect(() => activations(m, tf.ones([28, 28, 1]))).toThrow(ShapeError);
    expect(() => activations(m, tf.ones([28, 28, 1]))).toThrow(/\[12, 12, 1\].*fitImage/);
    const fitted = fitImage(tf.ones([28, 28, 3]), m);
    expect(fitted.shape).toEqual([1, 12, 12, 1]);
    tf.dispose([...Object.values(all), ...Object.values(some), image, pooled, fitted]);
    m.dispose();
  });

  it('filterPattern climbs the gradient: the filter responds more to its pattern than to noise', () => {
    setSeed(4);
    const x = input({ shape: [16, 16, 1] });
    // Linear, so no filter is dead on the gray start (a ReLU filter can be, and then no gradient flows).
    const c1 = conv2d({ filters: 4, kernelSize: 3, name: 'c1' }).apply(x);
    const m = model({ inputs: x, outputs: globalAveragePooling2d({}).apply(c1) });
    const before = tf.memory().numTensors;
    const start = filterPattern(m, 'c1', 2, { steps: 1, stepSize: 0, seed: 9 });
    const pattern = filterPattern(m, 'c1', 2, { steps: 20, seed: 9 });
    expect(pattern.shape).toEqual([16, 16, 1]);
    const response = (img: tf.Tensor) =>
      tf.tidy(
        () => tf.mean(tf.slice(activations(m, img, ['c1']).c1, [0, 0, 0, 2], [1, -1, -1, 1])).dataSync()[0],
      );
    expect(response(pattern)).toBeGreaterThan(response(start) + 0.01);
    const again = filterPattern(m, 'c1', 2, { steps: 20, seed: 9 });
    expect(Array.from(again.dataSync())).toEqual(Array.from(pattern.dataSync())); // same seed, same image
    tf.dispose([start, pattern, again]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => filterPattern(m, 'c1', 4)).toThrow(/4 filters: filter must be 0 to 3/);
    expect(() => filterPattern(m, 'nope', 0)).toThrow(ConfigError);
    expect(() => gradCam(m, tf.ones([16, 16, 1]), 7)).toThrow(/classIndex/);
    m.dispose();
  });
});
