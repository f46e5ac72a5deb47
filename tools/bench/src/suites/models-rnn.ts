/**
 * The recurrent models of `@tensorfold/models-rnn` beside the naive baselines the texts set as the bar,
 * on real data in the same run: a GRU forecaster of Seattle's daily maximum temperature (2015) against
 * persistence ("tomorrow = today"), and a character LSTM on first names against a bigram model (held-out
 * bits per character). Small configurations, so the suite runs in a few minutes on a shared CPU; the
 * full runs are the CLI commands in BENCHMARKS.md.
 *
 * `pnpm --filter @tensorfold/bench bench models-rnn --backend wasm`
 */
import { Random, setSeed, tf } from '@tensorfold/core';
import { loadFemaleFirstNames, loadWeather } from '@tensorfold/data/node';
import {
  bigramModel,
  bitsPerCharacter,
  charLanguageModel,
  charVocabulary,
  charWindows,
  forecastErrors,
  minMaxScaling,
  naiveForecast,
  sequenceRegressor,
  windows,
} from '@tensorfold/models-rnn';
import { adam } from '@tensorfold/optim';
import type { BenchContext, Suite } from '../harness.js';

async function forecast(ctx: BenchContext): Promise<void> {
  setSeed(1);
  const weather = await loadWeather({ columns: ['temp_max', 'temp_min', 'precipitation', 'wind'] });
  const rows = (await weather.values.array()) as number[][];
  weather.dispose();
  const trainEnd = weather.dates.findIndex((d) => d.startsWith('2014'));
  const testStart = weather.dates.findIndex((d) => d.startsWith('2015'));
  const scalings = [0, 1, 2, 3].map((c) => minMaxScaling(rows.slice(0, trainEnd).map((r) => r[c] as number)));
  const scaled = rows.map((r) =>
    r.map((v, c) => (v - (scalings[c]?.min ?? 0)) / ((scalings[c]?.max ?? 1) - (scalings[c]?.min ?? 0))),
  );
  const window = 14;
  const train = await windows(scaled.slice(0, trainEnd), { window });
  const test = await windows(scaled.slice(testStart - window), { window });
  const model = sequenceRegressor({ steps: window, features: 4, cell: 'gru', units: 32 });
  const optimizer = adam({ learningRate: 5e-3 });
  model.compile({ optimizer, loss: 'meanAbsoluteError' });
  // The GRU learns the change from the last value: persistence plus a correction.
  const change = tf.tidy(() => tf.sub(train.ys, naiveForecast(train.xs)));
  await model.fit(train.xs, change, { epochs: ctx.quick ? 3 : 30, batchSize: 32, verbose: 0 });
  const persistence = naiveForecast(test.xs);
  const predicted = tf.tidy(() => tf.add(model.predict(test.xs) as tf.Tensor, persistence));
  const range = (scalings[0]?.max ?? 1) - (scalings[0]?.min ?? 0);
  const [m, p] = [await forecastErrors(predicted, test.ys), await forecastErrors(persistence, test.ys)];
  ctx.report({
    suite: 'models-rnn',
    case: `Seattle temp_max 2015, GRU(32) window ${window} x 4 features`,
    unit: 'MAE degrees C',
    value: m.mae * range,
    peer: p.mae * range,
    peerName: 'persistence',
    higherIsBetter: false,
  });
  tf.dispose([change, persistence, predicted]);
  train.dispose();
  test.dispose();
  model.dispose();
  optimizer.dispose();
}

async function names(ctx: BenchContext): Promise<void> {
  setSeed(1);
  const all = await loadFemaleFirstNames();
  // Shuffled (as the CLI does): the list is alphabetical, so its last 10% alone would start with S-Z.
  const text = `${Array.from(new Random(1).permutation(all.length), (i) => all[i]).join('\n')}\n`;
  const cut = Math.floor(text.length * 0.9);
  const [train, heldOut] = [text.slice(0, cut), text.slice(cut)];
  const vocabulary = charVocabulary(train);
  const steps = 10;
  const { xs, ys } = charWindows(vocabulary.encode(train).ids, { steps, stride: 2 });
  const model = charLanguageModel({ vocabulary: vocabulary.size, units: 64, steps });
  const optimizer = adam({ learningRate: 5e-3 });
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  await model.fit(xs, ys, { epochs: ctx.quick ? 1 : 5, batchSize: 128, verbose: 0 });
  const score = await bitsPerCharacter(model, heldOut, { vocabulary, steps });
  const bigram = bigramModel(train, vocabulary).score(heldOut, steps);
  ctx.report({
    suite: 'models-rnn',
    case: 'first names, shuffled (last 10% held out), LSTM(64) window 10',
    unit: 'bits/char',
    value: score.bitsPerCharacter,
    peer: bigram.bitsPerCharacter,
    peerName: 'bigram (add-one)',
    higherIsBetter: false,
  });
  tf.dispose([xs, ys]);
  model.dispose();
  optimizer.dispose();
}

const suite: Suite = {
  name: 'models-rnn',
  description: 'recurrent forecaster and character model vs their naive baselines (persistence, bigram)',
  async run(ctx) {
    await forecast(ctx);
    await names(ctx);
  },
};

export default suite;
