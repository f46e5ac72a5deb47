/**
 * @tensorfold/optim: everything that decides how a model learns and how we know it learned.
 * Optimizers, learning-rate schedules, losses, metrics, regularizers and callbacks, each usable as an
 * object (`adam({learningRate: 1e-3})`) or by name (`compile({optimizer: 'adam', loss: 'mse'})`):
 * importing the package registers every name. File-writing callbacks live in `@tensorfold/optim/node`.
 *
 * @packageDocumentation
 */
export {
  ProgressBar,
  type ProgressBarArgs,
  type ProgressStream,
  progressBar,
} from './callbacks/progress-bar.js';
export {
  BinaryCrossentropy,
  binaryCrossentropy,
  CategoricalCrossentropy,
  type CrossentropyArgs,
  categoricalCrossentropy,
  SparseCategoricalCrossentropy,
  type SparseCategoricalCrossentropyArgs,
  sparseCategoricalCrossentropy,
} from './losses/crossentropy.js';
export { EPSILON, type LossArgs, LossBase } from './losses/loss.js';
export {
  CosineSimilarity,
  type CosineSimilarityArgs,
  cosineSimilarity,
  Huber,
  type HuberArgs,
  huber,
  LogCosh,
  logCosh,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredError,
  MeanSquaredLogarithmicError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
} from './losses/regression.js';
export {
  BinaryAccuracy,
  type BinaryAccuracyArgs,
  binaryAccuracy,
  CategoricalAccuracy,
  categoricalAccuracy,
  SparseCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  sparseCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  type TopKArgs,
  TopKCategoricalAccuracy,
  topKCategoricalAccuracy,
} from './metrics/accuracy.js';
export { MeanMetric, type MetricArgs, MetricBase } from './metrics/metric.js';
export { Adam, type AdamArgs, adam } from './optimizers/adam.js';
export { fusedUpdatesEnabled, setFusedUpdates } from './optimizers/fused.js';
export {
  type CoefficientScalars,
  type Coefficients,
  type OptimizerArgs,
  OptimizerBase,
} from './optimizers/optimizer.js';
export { SGD, type SGDArgs, sgd } from './optimizers/sgd.js';
export {
  ConstantSchedule,
  type ConstantScheduleArgs,
  CosineDecay,
  type CosineDecayArgs,
  constantSchedule,
  cosineDecay,
  type DecayArgs,
  ExponentialDecay,
  exponentialDecay,
  InverseTimeDecay,
  inverseTimeDecay,
  PiecewiseConstantDecay,
  type PiecewiseConstantDecayArgs,
  PolynomialDecay,
  type PolynomialDecayArgs,
  piecewiseConstantDecay,
  polynomialDecay,
} from './schedules/decay.js';
export {
  deserializeSchedule,
  isSchedule,
  type LearningRateSchedule,
  registerSchedule,
} from './schedules/schedule.js';
