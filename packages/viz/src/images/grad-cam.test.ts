import * as tf from '@tensorflow/tfjs-core';
import { sequential } from '@tensorfold/core';
import { conv2d, dense, globalAveragePooling2d } from '@tensorfold/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { leakedBy, useCpu } from '../test-utils/setup.js';
import { gradCam } from './grad-cam.js';
import { heatmapOverlay } from './heatmap-overlay.js';

beforeAll(useCpu);

describe('gradCam', () => {
  it('weighs the feature map by its gradient: for conv -> average pool -> dense it is relu(A) scaled', async () => {
    const model = sequential({
      layers: [
        conv2d({ filters: 1, kernelSize: 1, inputShape: [2, 3, 1], name: 'conv' }),
        globalAveragePooling2d(),
        dense({ units: 2, name: 'head' }),
      ],
    });
    model.getLayer('conv').setWeights([tf.ones([1, 1, 1, 1]), tf.zeros([1])]);
    model.getLayer('head').setWeights([tf.tensor2d([[2, -1]]), tf.zeros([2])]);
    const image = tf.tensor3d([1, -2, 4, 0, 2, 3], [2, 3, 1]);
    let result: Awaited<ReturnType<typeof gradCam>> | undefined;
    expect(
      await leakedBy(async () => {
        result = await gradCam(model, image, { layer: 'conv' });
      }),
    ).toBe(0);
    // Class 0 has weight 2 > 0: the map is relu(image) / max.
    expect(result?.classIndex).toBe(0);
    expect(result?.heatmap).toEqual([
      [0.25, 0, 1],
      [0, 0.5, 0.75],
    ]);
    expect(result?.score).toBeCloseTo((2 * (1 - 2 + 4 + 0 + 2 + 3)) / 6, 5);
    // Class 1 has weight -1: the map is relu(-image) / max.
    const other = await gradCam(model, image, { layer: 'conv', classIndex: 1 });
    expect(other.heatmap).toEqual([
      [0, 1, 0],
      [0, 0, 0],
    ]);
    const big = tf.image.resizeBilinear(image, [4, 6]) as tf.Tensor3D;
    const fig = await heatmapOverlay(big, result!.heatmap);
    big.dispose();
    expect(fig.svg).toContain('Class activation heatmap');
    await expect(gradCam(model, image, { layer: 'nope' })).rejects.toThrow(
      /no layer "nope"; its layers are conv/,
    );
    await expect(gradCam(model, image, { layer: 'head' })).rejects.toThrow(/last layer/);
    image.dispose();
  });
});
