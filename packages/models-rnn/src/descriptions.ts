/**
 * The models of `@tensorfold/models-rnn`, described once for the CLI and the demo site. This entry point
 * (`@tensorfold/models-rnn/descriptions`) loads no builder until `build` is called.
 */
import type { ModelDescription, Sequential } from '@tensorfold/core';

const packageName = '@tensorfold/models-rnn';

function option<T>(options: Record<string, unknown>, key: string): T | undefined {
  return options[key] as T | undefined;
}

/** Every model of this package. */
export const models: readonly ModelDescription<Sequential>[] = [
  {
    name: 'forecaster',
    summary:
      'LSTM(32) over windows of a daily series, next value out; reported beside the persistence ("tomorrow = today") baseline',
    task: 'forecast',
    datasets: ['seattle-weather', 'stocks'],
    defaults: { epochs: 40, batchSize: 32, learningRate: 5e-3 },
    packageName,
    source: 'seed 002 ch. 6 (temperature forecasting), seed 003 (60-day stock windows)',
    async build(options) {
      const { sequenceRegressor } = await import('./sequence-regressor.js');
      return sequenceRegressor({
        steps: options.inputShape?.[0] ?? null,
        features: options.inputShape?.[1] ?? 1,
        cell: option(options, 'cell'),
        units: option(options, 'units'),
        layers: option(options, 'layers'),
        recurrentDropout: option(options, 'recurrentDropout'),
        bidirectional: option(options, 'bidirectional'),
        name: 'forecaster',
      });
    },
  },
  {
    name: 'spam',
    summary:
      'Embedding(32) + bidirectional LSTM(32) + sigmoid over padded token ids, padding masked; spam vs ham',
    task: 'classify-text',
    datasets: ['spam-assassin'],
    defaults: { epochs: 3, batchSize: 32, learningRate: 1e-3 },
    packageName,
    source: 'seed 002 ch. 6 (embeddings, bidirectional RNNs)',
    async build(options) {
      const { textClassifier } = await import('./text-classifier.js');
      return textClassifier({
        vocabulary: Number(option(options, 'vocabulary') ?? 10_000),
        body: option(options, 'body') ?? 'bidirectional',
        sequenceLength: options.inputShape?.[0] ?? null,
        name: 'spam',
      });
    },
  },
  {
    name: 'spam-conv1d',
    summary:
      'Embedding(32) + two Conv1D(32, 7) with max pooling + sigmoid: the cheaper 1D convnet; spam vs ham',
    task: 'classify-text',
    datasets: ['spam-assassin'],
    defaults: { epochs: 3, batchSize: 32, learningRate: 1e-3 },
    packageName,
    source: 'seed 002 ch. 6 (1D convnets for sequences)',
    async build(options) {
      const { textClassifier } = await import('./text-classifier.js');
      return textClassifier({
        vocabulary: Number(option(options, 'vocabulary') ?? 10_000),
        body: 'conv1d',
        sequenceLength: options.inputShape?.[0] ?? null,
        name: 'spam_conv1d',
      });
    },
  },
  {
    name: 'charlm',
    summary:
      'Character language model: embedding(32) + LSTM(128) + softmax over the next character; sampled with a temperature',
    task: 'generate-text',
    datasets: ['moby-dick', 'female-first-names'],
    defaults: { epochs: 1, batchSize: 128, learningRate: 1e-3 },
    packageName,
    source: 'seed 002 ch. 8 (character-level LSTM text generation), seed 003',
    async build(options) {
      const { charLanguageModel } = await import('./char-model.js');
      return charLanguageModel({
        vocabulary: Number(option(options, 'vocabulary') ?? options.numClasses),
        units: option(options, 'units'),
        layers: option(options, 'layers'),
        steps: options.inputShape?.[0] ?? null,
      });
    },
  },
];
