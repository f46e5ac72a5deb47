import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { input, type Model, model, type SymbolicTensor, setSeed, tf } from '@tensorfold/core';
import { fileSystem } from '@tensorfold/core/node';
import { activation, add, conv2d, dense, globalAveragePooling2d } from '@tensorfold/layers';
import { featureMaps, filterGrid, heatmapOverlayRaster, toPng } from '@tensorfold/viz/node';
import { decode, encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainCommand } from './commands/explain.js';
import type { Output } from './output.js';
import { buildProgram } from './program.js';
import { quietOutput as quiet } from './test-utils/quiet-output.js';

const root = mkdtempSync(join(tmpdir(), 'tensorfold-cli-explain-pictures-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SIZE = 16;
/** Where the bright square of the test image lies: rows 2-5, columns 9-12. */
const SQUARE = { top: 2, left: 9, side: 4 };

/** A dark 16x16 gray image (value 25) with a white 4x4 square. */
function squareImage(): Uint8Array {
  const data = new Uint8Array(SIZE * SIZE).fill(25);
  for (let r = 0; r < SQUARE.side; r++)
    for (let c = 0; c < SQUARE.side; c++) data[(SQUARE.top + r) * SIZE + SQUARE.left + c] = 255;
  return encode({ width: SIZE, height: SIZE, data, channels: 1 });
}

/**
 * A model that looks at brightness and nothing else: `look` is a 1x1 conv passing the image through,
 * then its mean decides class 1 (weight +4) over class 0 (-4). Its Grad-CAM for class 1 is the image over
 * its maximum: the square lights up, the background stays at 0.1. For class 0 nothing speaks: all zeros.
 */
function brightnessModel(): Model {
  const x = input({ shape: [SIZE, SIZE, 1] });
  const look = conv2d({ filters: 1, kernelSize: 1, name: 'look' });
  const out = dense({ units: 2, activation: 'softmax', name: 'out' });
  const y = out.apply(globalAveragePooling2d({ name: 'gap' }).apply(look.apply(x)));
  const m = model({ inputs: x, outputs: y, name: 'brightness' });
  look.setWeights([tf.ones([1, 1, 1, 1]), tf.zeros([1])]);
  out.setWeights([tf.tensor2d([[-4, 4]]), tf.zeros([2])]);
  return m;
}

/** stem -> {identity, conv} -> add -> relu -> pool -> softmax: a residual model for the default layer. */
function residualModel(): Model {
  setSeed(5);
  const x = input({ shape: [SIZE, SIZE, 1] });
  const stem = conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'stem' }).apply(
    x,
  );
  const branch = conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'branch' }).apply(stem);
  const sum = add({ name: 'block_add' }).apply([stem, branch]) as SymbolicTensor;
  const outs = activation({ activation: 'relu', name: 'block_out' }).apply(sum);
  const y = dense({ units: 3, activation: 'softmax' }).apply(globalAveragePooling2d({}).apply(outs));
  return model({ inputs: x, outputs: y, name: 'tiny_residual' });
}

const brightness = join(root, 'brightness');
const residual = join(root, 'residual');
const image = join(root, 'square.png');
beforeAll(async () => {
  await initBackend({ require: 'wasm' });
  writeFileSync(image, squareImage());
  for (const [dir, build] of [
    [brightness, brightnessModel],
    [residual, residualModel],
  ] as const) {
    const m = build();
    await m.save(fileSystem(dir));
    m.dispose();
  }
});

/** RGBA pixel (x, y) of a decoded PNG. */
function pixel(png: ReturnType<typeof decode>, x: number, y: number): number[] {
  const i = (y * png.width + x) * png.channels;
  return Array.from(png.data.slice(i, i + 3));
}

/** The input image as the model saw it, [1, 16, 16, 1] in [0, 1]. */
function seen(): tf.Tensor4D {
  const { data } = decode(readFileSync(image));
  return tf.tensor4d(
    Float32Array.from(data, (v) => v / 255),
    [1, SIZE, SIZE, 1],
  );
}

describe('tensorfold explain draws what the model sees', () => {
  it('Grad-CAM: the heatmap over the image, hot on the square the model looks at, with a colour bar', async () => {
    const out = join(root, 'cam');
    const files = await explainCommand({ model: brightness, image, out, gradcam: true, data: true }, quiet);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      'gradcam-class1.png',
      'gradcam-class1.svg',
      'gradcam-class1.json',
    ]);
    const summary = JSON.parse(readFileSync(join(out, 'explain.json'), 'utf8'));
    expect(summary).toMatchObject({ predicted: 1, gradcam: { class: 1, layer: 'look', size: [16, 16] } });
    const svg = readFileSync(join(out, 'gradcam-class1.svg'), 'utf8');
    expect(svg).toContain('Grad-CAM of class 1 at layer look');
    // The colour bar's ends say what the colours mean.
    expect(svg).toMatch(/class="legend".*>1<\/text>.*>0<\/text>/s);
    const png = decode(readFileSync(join(out, 'gradcam-class1.png')));
    // heatmapOverlay's layout (px, drawn at scale 2): the image at (16, 30), the overlay at (32 + w, 30),
    // each w = 16 pixels x 15 px wide; each image pixel is 30 x 30 PNG pixels.
    const cell = 30;
    const imageX = 16 * 2;
    const overlayX = (32 + 240) * 2;
    const top = 30 * 2;
    expect(png.width).toBeGreaterThan(overlayX + 16 * cell);
    // The left panel is the image, pixel for pixel.
    for (const [r, c, v] of [
      [0, 0, 25],
      [3, 10, 255],
      [15, 15, 25],
    ])
      expect(pixel(png, imageX + c * cell + 15, top + r * cell + 15)).toEqual([v, v, v]);
    // The right panel is viz's blend of the image and the heatmap written as data, pixel for pixel.
    const cam = JSON.parse(readFileSync(join(out, 'gradcam-class1.json'), 'utf8'));
    const x = seen();
    const expected = await heatmapOverlayRaster(x, tf.tensor2d(cam.data, cam.shape), {
      range: [0, 1],
      heatRange: [0, 1],
    });
    x.dispose();
    const hot: Array<[number, number]> = [];
    for (let r = 0; r < SIZE; r++)
      for (let c = 0; c < SIZE; c++) {
        const got = pixel(png, overlayX + c * cell + 15, top + r * cell + 15);
        const p = (r * SIZE + c) * 4;
        expect(got).toEqual(Array.from(expected.raster.data.slice(p, p + 3)));
        if (got[0] > got[2] + 50) hot.push([r, c]); // red over blue: jet's hot end
      }
    // Hot exactly where the model looks: the 16 pixels of the square.
    expect(hot.length).toBe(SQUARE.side ** 2);
    for (const [r, c] of hot) {
      expect(r - SQUARE.top).toBeGreaterThanOrEqual(0);
      expect(r - SQUARE.top).toBeLessThan(SQUARE.side);
      expect(c - SQUARE.left).toBeGreaterThanOrEqual(0);
      expect(c - SQUARE.left).toBeLessThan(SQUARE.side);
    }
    // The colour bar runs from jet's hot end (top) to its cold end (bottom), right of the overlay.
    const barX = (16 + 2 * (240 + 16) + 7) * 2;
    expect(pixel(png, barX, top + 4)).toEqual([128, 0, 0]);
    expect(pixel(png, barX, top + 16 * cell - 4)).toEqual([0, 0, 128]);
  });

  it('--class 0, for which nothing in the image speaks: no hot place', async () => {
    const out = join(root, 'cam0');
    await explainCommand({ model: brightness, image, out, gradcam: true, class: 0 }, quiet);
    const png = decode(readFileSync(join(out, 'gradcam-class0.png')));
    for (let r = 0; r < SIZE; r += 3)
      for (let c = 0; c < SIZE; c += 3) {
        const [red, , blue] = pixel(png, (32 + 240) * 2 + c * 30 + 15, 60 + r * 30 + 15);
        expect(blue).toBeGreaterThan(red);
      }
  });

  it('activations: one picture of feature maps per layer, the square bright where the image has it', async () => {
    const out = join(root, 'maps');
    const files = await explainCommand({ model: residual, image, out, activations: true, data: true }, quiet);
    const names = files.map((f) => f.slice(out.length + 1));
    for (const layer of ['stem', 'branch', 'block_add', 'block_out'])
      expect(names).toEqual(
        expect.arrayContaining([`activations-${layer}.png`, `activations-${layer}.json`]),
      );
    // The PNG is viz's featureMaps of the numbers written beside it.
    const stem = JSON.parse(readFileSync(join(out, 'activations-stem.json'), 'utf8'));
    expect(stem.shape).toEqual([1, 16, 16, 4]);
    const t = tf.tensor(stem.data, stem.shape);
    const fig = await featureMaps(t, { title: 'Feature maps of stem' });
    t.dispose();
    expect(Buffer.from(readFileSync(join(out, 'activations-stem.png')))).toEqual(
      Buffer.from(toPng(fig, { scale: 2 })),
    );
    const png = decode(readFileSync(join(out, 'activations-stem.png')));
    expect([png.width, png.height]).toEqual([fig.width * 2, fig.height * 2]);
    // Without --data, pictures only.
    const bare = await explainCommand(
      { model: brightness, image, out: join(root, 'maps-bare'), activations: true },
      quiet,
    );
    expect(bare.map((f) => f.slice(root.length + 11))).toEqual([
      'activations-look.png',
      'activations-look.svg',
    ]);
    // The one map of `look` is the image: the viridis bright end (yellow) exactly on the square.
    const look = decode(readFileSync(join(root, 'maps-bare', 'activations-look.png')));
    const yellow: Array<[number, number]> = [];
    const tile: Array<[number, number]> = [];
    for (let y = 0; y < look.height; y++)
      for (let x = 0; x < look.width; x++) {
        const [r, g, b] = pixel(look, x, y);
        if (r === 253 && g === 231 && b === 37) yellow.push([x, y]);
        if ((r === 253 && g === 231 && b === 37) || (r === 68 && g === 1 && b === 84)) tile.push([x, y]);
      }
    const box = (ps: Array<[number, number]>) => {
      const xs = ps.map((p) => p[0]);
      const ys = ps.map((p) => p[1]);
      return {
        x: Math.min(...xs),
        y: Math.min(...ys),
        w: Math.max(...xs) - Math.min(...xs) + 1,
        h: Math.max(...ys) - Math.min(...ys) + 1,
      };
    };
    const all = box(tile);
    const sq = box(yellow);
    const px = all.w / SIZE;
    expect(all.h).toBe(all.w);
    expect([(sq.x - all.x) / px, (sq.y - all.y) / px, sq.w / px, sq.h / px]).toEqual([
      SQUARE.left,
      SQUARE.top,
      SQUARE.side,
      SQUARE.side,
    ]);
  });

  it('filters: one grid of the patterns, the same picture as viz draws from the numbers', async () => {
    const out = join(root, 'filters');
    const files = await explainCommand(
      { model: residual, image, out, filters: true, steps: 3, count: 3, data: true },
      quiet,
    );
    const names = files.map((f) => f.slice(out.length + 1));
    // The default layer of a residual model is the merge after the add, not a branch.
    expect(names).toEqual([
      'filter-block_out-0.json',
      'filter-block_out-1.json',
      'filter-block_out-2.json',
      'filters-block_out.png',
      'filters-block_out.svg',
    ]);
    const patterns = [0, 1, 2].map((f) => {
      const p = JSON.parse(readFileSync(join(out, `filter-block_out-${f}.json`), 'utf8'));
      expect(p.shape).toEqual([16, 16, 1]);
      return tf.tensor3d(p.data, p.shape);
    });
    const grid = tf.stack(patterns, 3);
    const fig = await filterGrid(grid, {
      scale: 4,
      title: 'Filter patterns of block_out',
    });
    tf.dispose([...patterns, grid]);
    expect(Buffer.from(readFileSync(join(out, 'filters-block_out.png')))).toEqual(
      Buffer.from(toPng(fig, { scale: 2 })),
    );
    expect(readFileSync(join(out, 'filters-block_out.svg'), 'utf8')).toBe(fig.svg);
  });

  it('Grad-CAM of a residual model explains the merge after the add by default', async () => {
    const out = join(root, 'residual-cam');
    await explainCommand({ model: residual, image, out, gradcam: true }, quiet);
    const summary = JSON.parse(readFileSync(join(out, 'explain.json'), 'utf8'));
    expect(summary.gradcam.layer).toBe('block_out');
    await expect(
      explainCommand({ model: residual, image, out, gradcam: true, layer: 'nope' }, quiet),
    ).rejects.toThrow(/no layer "nope". Its layers: .*stem, branch, block_add, block_out/);
  });

  it('from the command line: --class, --data, --count, --steps, --layer reach the command', async () => {
    const out = join(root, 'command-line');
    const lines: string[] = [];
    const output = (): Output => ({
      line: (t) => lines.push(t),
      error: (t) => lines.push(t),
      progress: { write: () => true, isTTY: false },
    });
    await buildProgram(output).parseAsync(
      // biome-ignore format: one flag per line reads better
      ['node', 'tensorfold', 'explain', residual, image, '--gradcam', '--filters', '--class', '2',
        '--layer', 'stem', '--count', '2', '--steps', '2', '--data', '--out', out],
    );
    const summary = JSON.parse(readFileSync(join(out, 'explain.json'), 'utf8'));
    expect(summary.gradcam).toEqual({ class: 2, layer: 'stem', size: [16, 16] });
    expect(summary.filters).toEqual({ layer: 'stem', drawn: 2, of: 4, steps: 2 });
    expect(summary.files.map((f: string) => f.slice(out.length + 1))).toEqual([
      'gradcam-class2.png',
      'gradcam-class2.svg',
      'gradcam-class2.json',
      'filter-stem-0.json',
      'filter-stem-1.json',
      'filters-stem.png',
      'filters-stem.svg',
    ]);
    expect(lines).toContain(`Predicted class ${summary.predicted}; Grad-CAM of class 2 at layer stem.`);
  });
});
