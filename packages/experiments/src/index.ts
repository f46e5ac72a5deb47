/**
 * @tensorfold/experiments: what Keras users do around `fit` (seed 002, ch. 7). TensorBoard event files
 * (scalars, histograms, images, text) and ensembles of models; the run logger that writes a training run
 * to disk is in `@tensorfold/experiments/node`.
 *
 * @packageDocumentation
 */
export { crc32c, maskedCrc32c } from './crc32c.js';
export {
  type EnsembleArgs,
  EnsembleCombine,
  type EnsembleCombineArgs,
  type EnsembleMethod,
  ensemble,
} from './ensemble.js';
export {
  type ReadEvent,
  type ReadEventsResult,
  readEventRecords,
  type SummaryValue,
} from './event-reader.js';
export { EventWriter, type RecordSink } from './event-writer.js';
export {
  KERAS_GRAPH_PLUGIN,
  kerasModelJson,
  MODEL_GRAPH_PLUGIN,
  type ModelGraph,
  modelGraphOf,
} from './model-graph.js';
export {
  formatMetadataTsv,
  formatProjectorConfig,
  formatTensorTsv,
  PROJECTOR_CONFIG,
  type ProjectorEmbedding,
  parseMetadataTsv,
  parseProjectorConfig,
  parseTensorTsv,
} from './projector-format.js';
export { FILE_VERSION, type Histogram, histogramOf } from './summary.js';
export { tfRecord } from './tfrecord.js';
export {
  boolean,
  checkSpace,
  choice,
  type FloatRangeArgs,
  floatRange,
  gridPoints,
  type HpParam,
  type HpValue,
  type Hyperparameters,
  type IntRangeArgs,
  intRange,
  type SearchSpace,
  sampleValue,
} from './tune/space.js';
