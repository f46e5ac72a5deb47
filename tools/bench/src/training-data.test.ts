import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { findPyTorch, PyTorchPeer } from './peers/pytorch.js';
import {
  batchAt,
  batchesFromBytes,
  disposeBatches,
  mnistBytes,
  randomBatches,
  trainingBatches,
  writePeerData,
} from './training-data.js';
import { processSide } from './training-sides.js';

beforeAll(async () => {
  await initBackend({ require: 'cpu' });
});

/** The class ids of one-hot rows `[n, 10]`. */
async function classIds(y: tf.Tensor): Promise<number[]> {
  const ids = tf.argMax(y, 1);
  try {
    return (await ids.array()) as number[];
  } finally {
    ids.dispose();
  }
}

/** `count` images of 784 bytes, image k's pixels all (k * 7 + pixel) mod 256, labels k mod 10. */
function syntheticBytes(count: number) {
  const pixels = new Uint8Array(count * 784);
  for (let k = 0; k < count; k++) for (let p = 0; p < 784; p++) pixels[k * 784 + p] = (k * 7 + p) % 256;
  const labels = Uint8Array.from({ length: count }, (_, k) => k % 10);
  return { pixels, labels };
}

describe('batchesFromBytes', () => {
  it('cuts consecutive images into batches, pixels / 255, labels one-hot, and cycles them by step', async () => {
    const before = tf.memory().numTensors;
    const { pixels, labels } = syntheticBytes(6);
    const data = batchesFromBytes(pixels, labels, 2, [28, 28, 1], 3);
    expect(data.kind).toBe('mnist');
    expect(data.xs.map((x) => x.shape)).toEqual([
      [2, 28, 28, 1],
      [2, 28, 28, 1],
      [2, 28, 28, 1],
    ]);
    const second = await data.xs[1].data(); // images 2 and 3
    expect(second[0]).toBeCloseTo(pixels[2 * 784] / 255, 7);
    expect(second[784 + 5]).toBeCloseTo(pixels[3 * 784 + 5] / 255, 7);
    expect(await classIds(data.ys[2])).toEqual([4, 5]);
    // step i of a round takes batch i mod 3
    expect(batchAt(data, 4).x).toBe(data.xs[1]);
    expect(batchAt(data, 5).y).toBe(data.ys[2]);
    disposeBatches(data);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says how many images the batches need when there are too few', () => {
    const { pixels, labels } = syntheticBytes(5);
    expect(() => batchesFromBytes(pixels, labels, 2, [784], 3)).toThrow(
      /3 batches of 2 need 6 images; got 5 labels and 5 images/,
    );
  });
});

describe('randomBatches', () => {
  it('is one seeded batch: the same pixels every time', async () => {
    const a = randomBatches(4, [784]);
    const b = randomBatches(4, [784]);
    expect(a.xs).toHaveLength(1);
    expect(await a.xs[0].data()).toEqual(await b.xs[0].data());
    expect(a.peerFile).toBeUndefined();
    disposeBatches(a);
    disposeBatches(b);
  });
});

describe('mnistBytes', () => {
  it("reads MNIST's first training images as bytes: digits 5 and 0, blank corners", async () => {
    const { pixels, labels } = await mnistBytes(2);
    expect(Array.from(labels)).toEqual([5, 0]);
    expect(pixels.length).toBe(2 * 784);
    expect(pixels[0]).toBe(0);
    expect(Math.max(...pixels)).toBe(255);
  });
});

describe('writePeerData', () => {
  it('writes the pixels, then the labels, to a raw file that remove deletes', () => {
    const { pixels, labels } = syntheticBytes(3);
    const file = writePeerData(pixels, labels);
    try {
      const raw = readFileSync(file.path);
      expect(raw.length).toBe(3 * 785);
      expect(Uint8Array.from(raw.subarray(0, 3 * 784))).toEqual(pixels);
      expect(Array.from(raw.subarray(3 * 784))).toEqual([0, 1, 2]);
    } finally {
      file.remove();
    }
    expect(existsSync(file.path)).toBe(false);
    expect(() => writePeerData(pixels, labels.subarray(0, 2))).toThrow(/2 labels need 1568 pixels/);
  });
});

describe('trainingBatches', () => {
  it("gives MNIST's batches with a raw file of the same bytes for the workers", async () => {
    const { data, remove } = await trainingBatches('mnist', 2, [784]);
    try {
      expect(data.xs).toHaveLength(16);
      const raw = readFileSync(data.peerFile!);
      expect(raw.length).toBe(32 * 785);
      const x = await data.xs[15].data(); // images 30 and 31
      for (const p of [100, 400, 784 + 300]) expect(x[p]).toBeCloseTo(raw[30 * 784 + p] / 255, 7);
      expect(await classIds(data.ys[0])).toEqual([raw[32 * 784], raw[32 * 784 + 1]]);
    } finally {
      disposeBatches(data);
      remove();
    }
    expect(existsSync(data.peerFile!)).toBe(false);
  });
});

// A worker that logs every request to ECHO_LOG, then answers it (Node stands in for Python).
const ECHO = `require('readline').createInterface({ input: process.stdin }).on('line', (l) => {
  require('fs').appendFileSync(process.env.ECHO_LOG, l + '\\n');
  console.log(JSON.stringify({ seconds: 1, cpu_seconds: 1 }));
});`;

describe('processSide', () => {
  it("sends the raw file's path with every request (none for random batches)", async () => {
    const { pixels, labels } = syntheticBytes(4);
    const file = writePeerData(pixels, labels);
    const log = join(dirname(file.path), 'requests.jsonl');
    process.env.ECHO_LOG = log;
    const peer = new PyTorchPeer(process.execPath, 'unused', ['-e', ECHO], 'echo worker');
    const mnist = { ...batchesFromBytes(pixels, labels, 2, [784], 2), peerFile: file.path };
    const random = randomBatches(2, [784]);
    try {
      const side = processSide([peer], 'echo', 1);
      const runner = await side.start('mlp', mnist);
      await runner!.round(3);
      await (await side.start('mlp', random))!.round(1);
      const requests = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(requests).toEqual([
        { network: 'mlp', steps: 0, threads: 1, data: file.path },
        { network: 'mlp', steps: 3, threads: 1, data: file.path },
        { network: 'mlp', steps: 0, threads: 1 },
        { network: 'mlp', steps: 1, threads: 1 },
      ]);
      await expect(side.start('mlp', { ...mnist, peerFile: undefined })).rejects.toThrow(
        /mnist batches without a raw file/,
      );
    } finally {
      peer.close();
      delete process.env.ECHO_LOG;
      disposeBatches(mnist);
      disposeBatches(random);
      file.remove();
    }
  });
});

const torch = findPyTorch();
const PEER_DIR = join(dirname(fileURLToPath(import.meta.url)), 'peers');

describe.skipIf(torch.python == null)('the PyTorch peer', () => {
  it('reads the same images and labels, batch by batch, as the suite trains on', async () => {
    const { data, remove } = await trainingBatches('mnist', 64, [28, 28, 1]);
    try {
      // Each batch's pixel sum, one pixel and labels as pytorch_training.py's read_batches gives them.
      const script = [
        'import json, sys',
        `sys.path.insert(0, ${JSON.stringify(PEER_DIR)})`,
        'import pytorch_training as p',
        `batches = p.read_batches(${JSON.stringify(data.peerFile)}, "lenet5")`,
        'print(json.dumps([[list(x.shape), float(x.double().sum()), float(x[1, 0, 14, 14]), y.tolist()] for x, y in batches]))',
      ].join('\n');
      const run = spawnSync(torch.python!, ['-c', script], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      const theirs = JSON.parse(run.stdout) as Array<[number[], number, number, number[]]>;
      expect(theirs).toHaveLength(data.xs.length);
      for (let k = 0; k < theirs.length; k++) {
        const [shape, sum, pixel, ids] = theirs[k];
        expect(shape).toEqual([64, 1, 28, 28]);
        const x = (await data.xs[k].data()) as Float32Array; // [64, 28, 28, 1]
        expect(sum).toBeCloseTo(
          x.reduce((a, b) => a + b, 0),
          2,
        );
        expect(pixel).toBeCloseTo(x[784 + 14 * 28 + 14], 6);
        expect(ids).toEqual(await classIds(data.ys[k]));
      }
    } finally {
      disposeBatches(data);
      remove();
    }
  });
});
if (torch.python == null)
  console.log(`training-data.test: the PyTorch peer's reading is not tested: ${torch.reason}.`);
