/**
 * @tensorfold/optim: everything that decides how a model learns and how we know it learned.
 * Optimizers, learning-rate schedules, losses, metrics, regularizers and callbacks, each usable as an
 * object (`adam({learningRate: 1e-3})`) or by name (`compile({optimizer: 'adam', loss: 'mse'})`):
 * importing the package registers every name. File-writing callbacks live in `@tensorfold/optim/node`.
 *
 * @packageDocumentation
 */

export { EarlyStopping, type EarlyStoppingArgs, earlyStopping } from './callbacks/early-stopping.js';
export { LambdaCallback, type LambdaCallbackArgs, lambdaCallback } from './callbacks/lambda-callback.js';
export {
  type EpochSchedule,
  LearningRateScheduler,
  type LearningRateSchedulerArgs,
  learningRateScheduler,
} from './callbacks/learning-rate-scheduler.js';
export { type MonitorMode, type Printer, resolveMode, type StatefulCallback } from './callbacks/monitor.js';
export {
  ProgressBar,
  type ProgressBarArgs,
  type ProgressStream,
  progressBar,
} from './callbacks/progress-bar.js';
export {
  ReduceLROnPlateau,
  type ReduceLROnPlateauArgs,
  reduceLROnPlateau,
} from './callbacks/reduce-lr-on-plateau.js';
export { TerminateOnNaN, type TerminateOnNaNArgs, terminateOnNaN } from './callbacks/terminate-on-nan.js';
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
export {
  CategoricalHinge,
  categoricalHinge,
  Hinge,
  hinge,
  SquaredHinge,
  squaredHinge,
} from './losses/hinge.js';
export { EPSILON, type LossArgs, LossBase } from './losses/loss.js';
export { KLDivergence, klDivergence, Poisson, poisson } from './losses/probabilistic.js';
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
export { AUC, type AUCArgs, auc } from './metrics/auc.js';
export { ConfusionMatrix, type ConfusionMatrixArgs, confusionMatrix } from './metrics/confusion-matrix.js';
export { F1Score, type F1ScoreArgs, f1Score } from './metrics/f1.js';
export { MeanMetric, type MetricArgs, MetricBase } from './metrics/metric.js';
export {
  Precision,
  type PrecisionRecallArgs,
  precision,
  Recall,
  recall,
} from './metrics/precision-recall.js';
export {
  CosineSimilarityMetric,
  cosineSimilarityMetric,
  MeanAbsoluteError as MeanAbsoluteErrorMetric,
  MeanAbsolutePercentageError as MeanAbsolutePercentageErrorMetric,
  MeanSquaredError as MeanSquaredErrorMetric,
  meanAbsoluteErrorMetric,
  meanAbsolutePercentageErrorMetric,
  meanSquaredErrorMetric,
  RootMeanSquaredError,
  rootMeanSquaredError,
} from './metrics/regression.js';
export type { DecisionArgs } from './metrics/thresholds.js';
export { Adadelta, type AdadeltaArgs, adadelta } from './optimizers/adadelta.js';
export { Adagrad, type AdagradArgs, adagrad } from './optimizers/adagrad.js';
export { Adam, type AdamArgs, AdamW, type AdamWArgs, adam, adamw } from './optimizers/adam.js';
export { Adamax, type AdamaxArgs, adamax } from './optimizers/adamax.js';
export { fusedUpdatesEnabled, setFusedUpdates } from './optimizers/fused.js';
export { Nadam, type NadamArgs, nadam } from './optimizers/nadam.js';
export {
  type CoefficientScalars,
  type Coefficients,
  type OptimizerArgs,
  OptimizerBase,
} from './optimizers/optimizer.js';
export { RMSprop, type RMSpropArgs, rmsprop } from './optimizers/rmsprop.js';
export { SGD, type SGDArgs, sgd } from './optimizers/sgd.js';
export { L1, L1L2, type L1L2Args, L2, l1, l1l2, l2 } from './regularizers/regularizers.js';
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
