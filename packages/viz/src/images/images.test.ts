import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@tensorfold/core';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { leakedBy, useCpu } from '../test-utils/setup.js';
import { byClass, findAll, parseSvg, textOf } from '../test-utils/svg.js';
import { featureMaps, filterGrid } from './feature-maps.js';
import { heatmapOverlay, heatmapOverlayRaster, resizeBilinear } from './heatmap-overlay.js';
import { imageGrid, imageGridPng, imageGridRaster } from './image-grid.js';
import { latentGridRaster } from './latent-grid.js';
import { autoRange } from './pixels.js';

beforeAll(useCpu);

/** Three 2x3 RGB images with distinct byte values. */
function rgbBatch(): tf.Tensor4D {
  return tf.tensor4d(
    Array.from({ length: 3 * 2 * 3 * 3 }, (_, i) => (i * 7) % 256),
    [3, 2, 3, 3],
    'int32',
  );
}

describe('imageGrid pixels', () => {
  it('writes every input pixel exactly, each as a scale x scale block, in the PNG too', async () => {
    const images = rgbBatch();
    const values = await images.data();
    const png = decode(await imageGridPng(images, { columns: 2, scale: 2, gap: 4, range: [0, 255] }));
    images.dispose();
    expect([png.width, png.height]).toEqual([4 + 2 * (6 + 4), 4 + 2 * (4 + 4)]);
    expect(png.channels).toBe(4);
    for (let n = 0; n < 3; n++)
      for (let y = 0; y < 2; y++)
        for (let x = 0; x < 3; x++)
          for (const [dx, dy] of [
            [0, 0],
            [1, 1],
          ]) {
            const px = 4 + (n % 2) * 10 + x * 2 + dx;
            const py = 4 + Math.floor(n / 2) * 8 + y * 2 + dy;
            const o = (py * png.width + px) * 4;
            const s = ((n * 2 + y) * 3 + x) * 3;
            expect([png.data[o], png.data[o + 1], png.data[o + 2], png.data[o + 3]]).toEqual([
              values[s],
              values[s + 1],
              values[s + 2],
              255,
            ]);
          }
  });

  it('maps [0, 1] floats and gray [n, h, w] images to bytes', async () => {
    const r = await imageGridRaster(tf.tensor3d([0, 0.5, 1, 0.25], [1, 2, 2]), { scale: 1, gap: 1 });
    const at = (x: number, y: number) => r.data[((1 + y) * r.width + 1 + x) * 4];
    expect([at(0, 0), at(1, 0), at(0, 1), at(1, 1)]).toEqual([0, 128, 255, 64]);
    expect(autoRange([0, 200])).toEqual([0, 255]);
    expect(autoRange([-1, 0.5])).toEqual([-1, 1]);
    expect(autoRange([-3, 7])).toEqual([-3, 7]);
  });

  it('frames mistakes red and right answers green, in the gaps, without covering pixels', async () => {
    const images = tf.fill([2, 2, 2, 1], 1);
    const r = await imageGridRaster(images, {
      labels: [1, 2],
      predictions: [1, 3],
      scale: 1,
      gap: 8,
      columns: 2,
    });
    images.dispose();
    const px = (x: number, y: number) =>
      Array.from(r.data.slice((y * r.width + x) * 4, (y * r.width + x) * 4 + 3));
    expect(px(7, 7)).toEqual([46, 160, 67]); // just outside image 0 (at 8, 8)
    expect(px(8 + 2 + 8 - 1, 7)).toEqual([214, 39, 40]); // just outside image 1 (at 18, 8)
    expect(px(8, 8)).toEqual([255, 255, 255]);
    expect(px(18, 8)).toEqual([255, 255, 255]);
  });

  it('captions with true and predicted classes and draws frames in the SVG', async () => {
    const images = tf.zeros([3, 4, 4, 1]);
    const fig = await imageGrid(images, {
      labels: [3, 1, 2],
      predictions: [8, 1, 2],
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    });
    images.dispose();
    const doc = parseSvg(fig.svg);
    expect(fig.title).toBe('2 of 3 correct');
    const tiles = byClass(doc, 'tile');
    expect(tiles).toHaveLength(3);
    expect(byClass(tiles[0], 'caption').map(textOf).join(' ')).toBe('true 3 / predicted 8');
    expect(byClass(tiles[0], 'frame incorrect')).toHaveLength(1);
    expect(byClass(tiles[1], 'frame correct')).toHaveLength(1);
    const img = findAll(tiles[0], (n) => n.tag === 'image')[0];
    expect(img.attrs.href).toMatch(/^data:image\/png;base64,/);
    expect(textOf(findAll(doc, (n) => n.tag === 'desc')[0])).toMatch(/1 classified wrongly/);
  });

  it('says which shapes fit for a wrong rank or channel count', async () => {
    await expect(imageGrid(tf.zeros([4, 4]))).rejects.toThrow(ShapeError);
    await expect(imageGrid(tf.zeros([4, 4]))).rejects.toThrow(
      /rank 2.*\[n, height, width, channels\].*expandDims/,
    );
    await expect(imageGrid(tf.zeros([1, 4, 4, 2]))).rejects.toThrow(
      /2 channels.*1 \(gray\), 3 \(RGB\) or 4 \(RGBA\)/,
    );
    await expect(imageGrid(tf.zeros([2, 4, 4, 1]), { captions: ['a'] })).rejects.toThrow(
      /1 captions for 2 images/,
    );
  });
});

describe('featureMaps and filterGrid', () => {
  it('draws one tile per channel, each scaled to its own range', async () => {
    // Channel 0 is 0..3, channel 1 is 100..103 over 2x2 pixels: both span the full colour map.
    const act = tf.tensor4d([0, 100, 1, 101, 2, 102, 3, 103], [1, 2, 2, 2]);
    const fig = await featureMaps(act, { colorMap: 'grays', scale: 1 });
    act.dispose();
    const tiles = byClass(parseSvg(fig.svg), 'tile');
    expect(tiles).toHaveLength(2);
    const pixels = tiles.map((t) => {
      const href = findAll(t, (n) => n.tag === 'image')[0].attrs.href;
      const png = decode(Uint8Array.from(atob(href.split(',')[1]), (c) => c.charCodeAt(0)));
      return [0, 1, 2, 3].map((p) => png.data[p * 4]);
    });
    expect(pixels[0]).toEqual([0, 85, 170, 255]);
    expect(pixels[1]).toEqual([0, 85, 170, 255]);
  });

  it('limits the number of channels shown and says so', async () => {
    const act = tf.zeros([3, 3, 10]);
    const fig = await featureMaps(act, { max: 4 });
    act.dispose();
    expect(byClass(parseSvg(fig.svg), 'tile')).toHaveLength(4);
    expect(fig.notes[0]).toMatch(/first 4 of 10 channels/);
    await expect(featureMaps(tf.zeros([2, 3, 3, 1]))).rejects.toThrow(/one image's activation/);
  });

  it('draws the 1x1 maps at the end of a convnet at the largest default scale (64 px)', async () => {
    const act = tf.zeros([1, 1, 1, 3]);
    const fig = await featureMaps(act);
    act.dispose();
    const tiles = byClass(parseSvg(fig.svg), 'tile');
    expect(tiles).toHaveLength(3);
    expect(findAll(tiles[0], (n) => n.tag === 'image')[0].attrs.width).toBe('64');
  });

  it('shows conv kernels per output filter, in colour over RGB', async () => {
    const kernel = tf.randomNormal([3, 3, 3, 5], 0, 1, 'float32', 1);
    const fig = await filterGrid(kernel);
    kernel.dispose();
    expect(byClass(parseSvg(fig.svg), 'tile')).toHaveLength(5);
    expect(fig.title).toBe('Filters (5 of 3x3x3)');
    await expect(filterGrid(tf.zeros([3, 3, 4]))).rejects.toThrow(
      /\[kernelHeight, kernelWidth, inChannels, outChannels\]/,
    );
  });
});

describe('heatmapOverlay', () => {
  it('resizes bilinearly with half-pixel centres', () => {
    expect(Array.from(resizeBilinear([0, 1], 1, 2, 1, 4))).toEqual([0, 0.25, 0.75, 1]);
  });

  it('blends the coloured heatmap over the image with weight alpha', async () => {
    const image = tf.fill([2, 2, 3], 255, 'int32');
    const heat = tf.tensor2d([
      [0, 1],
      [0, 1],
    ]);
    const { raster } = await heatmapOverlayRaster(image, heat, { alpha: 0.5, colorMap: 'grays' });
    // Left column: heat 0 (black) -> 255 / 2; right: heat 1 (white) -> 255.
    expect([raster.data[0], raster.data[4], raster.data[8], raster.data[12]]).toEqual([128, 255, 128, 255]);
    const fig = await heatmapOverlay(image, heat);
    image.dispose();
    heat.dispose();
    const doc = parseSvg(fig.svg);
    expect(byClass(doc, 'legend')).toHaveLength(1);
    expect(findAll(doc, (n) => n.tag === 'image')).toHaveLength(2);
    await expect(heatmapOverlay(tf.zeros([2, 4, 4, 3]), tf.zeros([2, 2]))).rejects.toThrow(/batch of 2/);
    await expect(heatmapOverlay(tf.zeros([4, 4, 3]), tf.zeros([2, 2, 2]))).rejects.toThrow(/must be 2-D/);
  });
});

describe('latentGrid', () => {
  it('puts larger z1 at the top and larger z0 at the right, and frees the decoded tensors', async () => {
    // Each decoded 1x1 image has brightness (z0 + 1) / 2 in red and (z1 + 1) / 2 in green.
    const decodeFn = (z: tf.Tensor2D) =>
      tf.reshape(tf.concat([tf.div(tf.add(z, 1), 2), tf.zeros([z.shape[0], 1])], 1), [-1, 1, 1, 3]);
    let raster: Awaited<ReturnType<typeof latentGridRaster>>['raster'] | undefined;
    const leaked = await leakedBy(async () => {
      raster = (await latentGridRaster(decodeFn, { n: 3, range: [-1, 1], pixelRange: [0, 1] })).raster;
    });
    expect(leaked).toBe(0);
    const px = (x: number, y: number) => [raster!.data[(y * 3 + x) * 4], raster!.data[(y * 3 + x) * 4 + 1]];
    expect(px(0, 0)).toEqual([0, 255]); // top left: z0 = -1, z1 = 1
    expect(px(2, 2)).toEqual([255, 0]); // bottom right: z0 = 1, z1 = -1
    expect(px(1, 1)).toEqual([128, 128]);
  });
});
