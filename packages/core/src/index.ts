/**
 * @tensorfold/core: the engine every tensorfold package shares. Layers and models, the training loop,
 * callbacks, serialization in the TensorFlow.js layers format, the registry, seeded randomness and
 * typed errors. Importing it registers tfjs-core's gradients.
 *
 * @packageDocumentation
 */
import './tf/register-gradients.js';

export * as tf from '@tensorflow/tfjs-core';
export { type InputArgs, InputLayer, type InputLayerConfig, input } from './engine/input-layer.js';
export {
  type AddWeightOptions,
  activityPenalty,
  type CallOptions,
  type InputSpec,
  Layer,
  type LayerArgs,
  type LayerInputs,
} from './engine/layer.js';
export { LayerWeight } from './engine/layer-weight.js';
export { Model, type ModelArgs, model } from './engine/model.js';
export { reserveName, snakeCase, uniqueName } from './engine/naming.js';
export { Sequential, type SequentialArgs, sequential } from './engine/sequential.js';
export { formatShape, isShapeList, type Shape, shapeList, singleShape } from './engine/shape.js';
export { formatCount, type SummaryOptions } from './engine/summary.js';
export { type CallKwargs, isSymbolic, Node, SymbolicTensor } from './engine/symbolic.js';
export * from './errors.js';
export type { Activation } from './interfaces/activation.js';
export type { Constraint } from './interfaces/constraint.js';
export type { Batch, BatchSource, TensorContainer } from './interfaces/dataset.js';
export type { Initializer } from './interfaces/initializer.js';
export type { Loss, LossFunction } from './interfaces/loss.js';
export type { Metric, MetricSpec } from './interfaces/metric.js';
export type { NamedTensor, Optimizer, VariableGradient } from './interfaces/optimizer.js';
export type { Regularizer } from './interfaces/regularizer.js';
export {
  FUSED_GRU,
  FUSED_GRU_GRAD,
  FUSED_GRU_RESET_BEFORE,
  FUSED_GRU_RESET_BEFORE_GRAD,
  FUSED_LSTM,
  FUSED_LSTM_GRAD,
  FUSED_RECURRENCE_KERNELS,
  FUSED_RECURRENT_DROPOUT,
  FUSED_SIMPLE_RNN,
  FUSED_SIMPLE_RNN_GRAD,
  type FusedRecurrenceAttrs,
} from './kernels/fused-recurrence.js';
export { MEAN_GRAD, meanGradient } from './kernels/mean-grad.js';
export {
  CROSSENTROPY_EPSILON,
  PROBABILITIES_CROSSENTROPY,
  PROBABILITIES_CROSSENTROPY_GRAD,
  PROBABILITIES_CROSSENTROPY_MAX_SIZE,
  probabilitiesCrossentropy,
  probabilitiesCrossentropyGradConfig,
} from './kernels/probabilities-crossentropy.js';
export {
  PROBABILITIES_CROSSENTROPY_MEAN,
  PROBABILITIES_CROSSENTROPY_MEAN_GRAD,
  probabilitiesCrossentropyMean,
  probabilitiesCrossentropyMeanGradConfig,
  SPARSE_CROSSENTROPY_MEAN,
  SPARSE_CROSSENTROPY_MEAN_GRAD,
  sparseCrossentropyMean,
  sparseCrossentropyMeanGradConfig,
} from './kernels/probabilities-crossentropy-mean.js';
export { RELU_GRAD, RELU_GRAD_SUMS, reluGradient, reluGradientAndSums } from './kernels/relu-grad.js';
export { SOFTMAX_GRAD, SOFTMAX_GRAD_MAX_SIZE, softmaxGradient } from './kernels/softmax-grad.js';
export { SPARSE_ACCURACY_UPDATE, sparseAccuracyUpdate } from './kernels/sparse-accuracy.js';
export { leadingSymmetricEigen } from './linalg/leading-symmetric-eigen.js';
export { type SymmetricEigen, symmetricEigen } from './linalg/symmetric-eigen.js';
export type {
  ModelBuildOptions,
  ModelDefaults,
  ModelDescription,
  ModelTask,
} from './models/description.js';
export { globalRandom, seedOrNext, setSeed } from './random/global-seed.js';
export { Random, splitmix32 } from './random/random.js';
export {
  create,
  type Factory,
  isRegistered,
  isSerializedObject,
  normalizeName,
  type RegistryKind,
  register,
  registeredNames,
  resolve,
  type Serializable,
  type SerializedObject,
  serialize,
} from './registry.js';
export {
  LAYERS_MODEL_FORMAT,
  type LoadOptions,
  modelFromArtifacts,
  modelToArtifacts,
  type SaveOptions,
} from './serialization/artifacts.js';
export { fromPythonic, toCamelCase, toPythonic, toSnakeCase } from './serialization/pythonic.js';
export {
  artifactsInfo,
  loadModel,
  type ModelDestination,
  memoryIO,
  saveModel,
} from './serialization/save-load.js';
export { registerCoreGradients } from './tf/register-gradients.js';
export {
  Callback,
  CallbackList,
  EpochLogger,
  formatLogs,
  History,
  type Logs,
  type TrainingParams,
} from './training/callbacks.js';
export type { CompileArgs, CompiledState, LossSpec, OutputLoss, OutputMetric } from './training/compile.js';
export type { ModelBatch } from './training/data-adapter.js';
export type { EvaluateArgs } from './training/evaluate.js';
export type { FitArgs, ValidationData } from './training/fit.js';
export { computeLosses, type LossValues } from './training/losses.js';
export { MeanTracker } from './training/mean-tracker.js';
export { MetricsState } from './training/metrics-state.js';
export type { PredictArgs } from './training/predict.js';
export {
  defaultTestStep,
  defaultTrainStep,
  NonFiniteLossError,
  type StepLogs,
} from './training/train-step.js';
export {
  defaultOutput,
  type OutputTarget,
  progressCallback,
  resolveVerbosity,
  type Verbosity,
} from './training/verbosity.js';
export { VERSION } from './version.js';
