// The README's examples, run as written, so the docs cannot drift from the code.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sequential, tf } from '@tensorfold/core';
import { conv2d, dense, flatten } from '@tensorfold/layers';
import '@tensorfold/optim';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  confusionMatrix,
  history,
  imageGrid,
  liveHistory,
  modelDiagram,
  terminalHeatmap,
  terminalHistory,
} from './index.js';
import { toPng, writeFigure } from './node.js';
import { useCpu } from './test-utils/setup.js';

beforeAll(useCpu);
const dir = mkdtempSync(join(tmpdir(), 'tensorfold-viz-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README examples', () => {
  it('learning curves and a confusion matrix to SVG and PNG', async () => {
    // What fit returns, or its `history` record read from JSON.
    const curves = history({
      loss: [0.9, 0.52, 0.38, 0.31],
      val_loss: [0.95, 0.6, 0.47, 0.45],
      accuracy: [0.71, 0.84, 0.88, 0.9],
      val_accuracy: [0.69, 0.8, 0.84, 0.85],
    });
    await writeFigure(join(dir, 'curves.svg'), curves); // SVG or PNG by extension, written atomically
    const png = toPng(curves, { scale: 2 }); // Uint8Array

    const cm = await confusionMatrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1], {
      classNames: ['cat', 'dog', 'bird'],
      normalize: 'true', // rows sum to 1
    });
    await writeFigure(join(dir, 'confusion.png'), cm);

    expect(existsSync(join(dir, 'curves.svg'))).toBe(true);
    expect(existsSync(join(dir, 'confusion.png'))).toBe(true);
    expect(Array.from(png.subarray(1, 4), (c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(modelDiagram).toBeTypeOf('function');
  });

  it('pictures from tensors, the terminal and liveHistory', async () => {
    const images = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1); // [n, height, width, channels]
    const grid = await imageGrid(images, {
      labels: [3, 1, 4, 1],
      predictions: [8, 1, 4, 7], // ids, or scores [n, classes]
    });
    expect(grid.title).toBe('2 of 4 correct');

    const model = sequential({
      layers: [
        conv2d({ filters: 8, kernelSize: 3, inputShape: [28, 28, 1] }),
        flatten(),
        dense({ units: 10 }),
      ],
    });
    const diagram = modelDiagram(model); // boxes with shapes and parameter counts, arrows, merges
    expect(diagram.svg).toContain('params: 54,090');

    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      console.log(terminalHistory({ loss: [0.9, 0.5, 0.3], val_loss: [1, 0.7, 0.6] }, { color: false }));
      console.log(
        terminalHeatmap(
          [
            [50, 2],
            [3, 45],
          ],
          { rowLabels: ['cat', 'dog'], colLabels: ['cat', 'dog'] },
        ),
      );
      model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
      const x = images;
      const y = tf.tensor1d([3, 1, 4, 1], 'int32');
      await model.fit(x, y, { epochs: 5, verbose: 0, callbacks: [liveHistory()] }); // redrawn after each epoch
      y.dispose();
      expect(log.mock.calls[0][0]).toContain('loss by epoch');
      expect(log.mock.calls[1][0]).toContain('cat');
      expect(write).toHaveBeenCalled();
    } finally {
      log.mockRestore();
      write.mockRestore();
    }
    images.dispose();
    model.dispose();
  });
});
