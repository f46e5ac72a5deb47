/**
 * @tensorfold/models-rnn: recurrent models of the source texts: forecasters over windows of a time series
 * with the naive baselines beside them, text classifiers (LSTM, GRU, bidirectional, 1D convnet) and
 * character language models with temperature sampling and bits-per-character scores.
 *
 * @packageDocumentation
 */

export {
  type ForecastErrors,
  forecastErrors,
  type NaiveForecastOptions,
  naiveForecast,
} from './baselines.js';
export {
  type CharLanguageModelOptions,
  type CharWindowOptions,
  charLanguageModel,
  charWindows,
} from './char-model.js';
export {
  CharVocabulary,
  type CharVocabularyOptions,
  type CharVocabularyState,
  charVocabulary,
  type EncodedText,
  OOV_ID,
  PAD_ID,
} from './char-vocabulary.js';
export { models } from './descriptions.js';
export {
  type BigramModel,
  type BitsPerCharacterOptions,
  bigramModel,
  bitsPerCharacter,
  type TextScore,
} from './perplexity.js';
export { type GeneratedText, type GenerateOptions, generate, reweight, sampleIndex } from './sampling.js';
export { type MinMaxScaling, minMaxScaling } from './scaling.js';
export {
  type RecurrentCell,
  recurrentLayer,
  type SequenceRegressorOptions,
  sequenceRegressor,
} from './sequence-regressor.js';
export { type TextClassifierBody, type TextClassifierOptions, textClassifier } from './text-classifier.js';
export {
  checkSeries,
  type Series,
  type SeriesWindowOptions,
  type SeriesWindows,
  windows,
} from './windows.js';
