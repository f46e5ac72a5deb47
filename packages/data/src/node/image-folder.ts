/**
 * Image classification data from a folder with one sub-folder per class (`dir/cat/*.png`,
 * `dir/dog/*.jpg`...), as Keras's `image_dataset_from_directory` reads it.
 */
import { promises as fs } from 'node:fs';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '@tensorfold/core';
import { Dataset } from '../dataset/dataset.js';
import { type DecodedImage, decodeImage, resizeImage } from '../loaders/image-codec.js';
import {
  balancedPick,
  checkLimit,
  type LabeledData,
  type LabeledOptions,
  labeledData,
} from '../loaders/labeled.js';
import { fileError, readBytes } from './files.js';

/** Options of {@link loadImageFolder} and {@link imageFolderDataset}. */
export interface ImageFolderOptions extends LabeledOptions {
  /** Resize every image to `[height, width]` (bilinear). Default: keep sizes, which must then all be equal. */
  size?: readonly [number, number];
  /** 1 (grayscale) or 3 (RGB). Default 3. */
  channels?: 1 | 3;
  /** File extensions to read (lower case, with the dot). Default `['.png', '.jpg', '.jpeg']`. */
  extensions?: readonly string[];
  /** Class names (sub-folder names) in label order. Default: the sub-folders, sorted. */
  classNames?: readonly string[];
}

/** One image file and its class. */
export interface ImageFile {
  path: string;
  label: number;
}

/**
 * The image files under `dir`, by class: sub-folders sorted by name give the class ids, files are
 * sorted by name within each class.
 * @throws DataError when the folder is missing, has no class sub-folders, or a class has no images.
 * @throws ConfigError when `classNames` names a class twice.
 */
export async function listImageFolder(
  dir: string,
  options: Pick<ImageFolderOptions, 'extensions' | 'classNames'> = {},
): Promise<{ files: ImageFile[]; classNames: string[] }> {
  const extensions = new Set(options.extensions ?? ['.png', '.jpg', '.jpeg']);
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw fileError(dir, error);
  }
  const found = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const classNames = options.classNames ? [...options.classNames] : found;
  const twice = classNames.find((name, i) => classNames.indexOf(name) !== i);
  if (twice !== undefined)
    throw new ConfigError(`classNames lists "${twice}" twice; name each class (sub-folder) once.`);
  if (classNames.length === 0)
    throw new DataError(
      `${dir} has no sub-folders; put the images of each class in a sub-folder named after the class.`,
    );
  const files: ImageFile[] = [];
  for (const [label, name] of classNames.entries()) {
    if (!found.includes(name))
      throw new DataError(
        `${dir} has no sub-folder "${name}" for that class (sub-folders: ${found.join(', ')}).`,
      );
    const classDir = join(dir, name);
    const names = (await fs.readdir(classDir)).filter((f) => extensions.has(extname(f).toLowerCase())).sort();
    if (names.length === 0) throw new DataError(`${classDir} holds no ${[...extensions].join('/')} images.`);
    for (const f of names) files.push({ path: join(classDir, f), label });
  }
  return { files, classNames };
}

async function readImage(
  file: ImageFile,
  options: ImageFolderOptions,
  expected: { height: number; width: number } | null,
): Promise<DecodedImage> {
  let image = decodeImage(await readBytes(file.path), { source: file.path, channels: options.channels ?? 3 });
  if (options.size) image = resizeImage(image, options.size[0], options.size[1]);
  else if (expected && (image.height !== expected.height || image.width !== expected.width)) {
    throw new DataError(
      `${file.path} is ${image.width}x${image.height} but the first image is ${expected.width}x${expected.height}; pass size: [height, width] to resize them all.`,
    );
  }
  return image;
}

/** The files a `limit` keeps: the classes take turns (see {@link balancedPick}). */
function limitFiles(files: ImageFile[], limit: number | undefined): ImageFile[] {
  return balancedPick(
    files.map((f) => f.label),
    limit,
  ).map((i) => files[i]);
}

function checkSize(options: ImageFolderOptions): void {
  checkLimit(options.limit);
  const { size, channels } = options;
  if (size && !(size.length === 2 && size.every((s) => Number.isInteger(s) && s >= 1)))
    throw new ConfigError(`size must be [height, width] in pixels, got [${size.join(', ')}].`);
  if (channels !== undefined && channels !== 1 && channels !== 3)
    throw new ConfigError(`channels must be 1 or 3, got ${channels}.`);
}

/**
 * Loads every image of a class-per-folder tree into memory: `xs` `[n, height, width, channels]`
 * float32 in [0, 1], labels from the folder names. All files are decoded before any tensor is made,
 * so a bad file leaves nothing allocated.
 *
 * @throws DataError naming the file that is not a valid PNG/JPEG or has another size.
 * @example
 * const data = await loadImageFolder('./rock-paper-scissors/train', { size: [150, 150] });
 */
export async function loadImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<LabeledData> {
  checkSize(options);
  const { files, classNames } = await listImageFolder(dir, options);
  const use = limitFiles(files, options.limit);
  const images: DecodedImage[] = [];
  for (const file of use) images.push(await readImage(file, options, images[0] ?? null));
  const [height, width] = images.length ? [images[0].height, images[0].width] : (options.size ?? [0, 0]);
  const channels = options.channels ?? 3;
  const per = height * width * channels;
  const values = new Float32Array(images.length * per);
  images.forEach((img, i) => {
    for (let k = 0; k < per; k++) values[i * per + k] = img.data[k] / 255;
  });
  return labeledData(
    values,
    [height, width, channels],
    Int32Array.from(use, (f) => f.label),
    classNames,
    { oneHot: options.oneHot, source: dir },
  );
}

/**
 * The same images as a lazy dataset of `{xs: [height, width, channels], ys}` elements, decoded as
 * they are read, for folders too large for memory. `ys` is the class id (int32 scalar), or a one-hot
 * vector. Shuffle with `.shuffle(buffer, seed)` and batch with `.batch(n)`; `size` is required when
 * images differ in size.
 */
export async function imageFolderDataset(
  dir: string,
  options: ImageFolderOptions = {},
): Promise<Dataset<{ xs: tf.Tensor; ys: tf.Tensor }> & { classNames: readonly string[] }> {
  checkSize(options);
  const { files, classNames } = await listImageFolder(dir, options);
  const use = limitFiles(files, options.limit);
  const ds = new Dataset(async function* () {
    let first: { height: number; width: number } | null = null;
    for (const file of use) {
      const image = await readImage(file, options, first);
      first ??= image;
      yield tf.tidy(() => ({
        xs: tf.tensor3d(
          Float32Array.from(image.data, (v) => v / 255),
          [image.height, image.width, image.channels],
        ),
        ys: options.oneHot
          ? tf.oneHot(tf.scalar(file.label, 'int32'), classNames.length)
          : tf.scalar(file.label, 'int32'),
      }));
    }
  }, use.length);
  return Object.assign(ds, { classNames: classNames as readonly string[] });
}
