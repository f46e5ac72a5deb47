import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@tensorfold/backend';
import { fileSystem, loadModel, tf } from '@tensorfold/core/node';
import { CharVocabulary } from '@tensorfold/models-rnn';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingRecord } from '../../lib/shipped';
import { defaults } from '../../lib/url-state';
import { type CharSampler, sampleNames } from './char-sampler';
import { Forecaster } from './forecast';
import { NAMES_MODEL } from './names-model';
import { sequencesSchema } from './state';
import { parseWeather, TRAIN_DAYS } from './weather';

const here = dirname(fileURLToPath(import.meta.url));
const shipped = join(here, '..', '..', '..', 'public', 'models', NAMES_MODEL.folder);

function weatherCsv(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('vega-datasets'));
  while (!dir.endsWith('vega-datasets')) dir = dirname(dir);
  return readFileSync(join(dir, 'data', 'seattle-weather.csv'), 'utf8');
}

beforeAll(async () => {
  await initBackend({ require: 'cpu' });
});

describe('Sequences page', () => {
  it("reads Seattle's daily maximum temperature; broken files are refused", () => {
    const series = parseWeather(weatherCsv());
    expect(series.values).toHaveLength(1461);
    expect(series.dates[TRAIN_DAYS]).toBe('2015-01-01');
    expect(series.values[0]).toBe(12.8);
    expect(() => parseWeather('date,wind\n2012-01-01,3')).toThrow(/temp_max/);
    expect(() => parseWeather('date,temp_max\n2012-01-01,\n')).toThrow(/Line 2/);
  });

  it('trains the forecaster an epoch at a time: the loss falls; persistence MAE on 2015 is measured', async () => {
    const series = parseWeather(weatherCsv());
    const settings = { ...defaults(sequencesSchema), units: 8 };
    const before = tf.memory().numTensors;
    const f = await Forecaster.create(series, settings);
    const start = await f.report();
    expect(f.testDays).toBe(1461 - TRAIN_DAYS);
    // "Tomorrow = today" over 2015, computed by hand from the series.
    let abs = 0;
    for (let t = TRAIN_DAYS; t < 1461; t++) abs += Math.abs(series.values[t] - series.values[t - 1]);
    expect(start.naiveMae).toBeCloseTo(abs / (1461 - TRAIN_DAYS), 4);
    const first = await f.step();
    await f.step();
    const third = await f.step();
    expect(third.epoch).toBe(3);
    expect(third.trainLoss).toBeLessThan(first.trainLoss);
    expect(third.modelMae).toBeLessThan(start.modelMae);
    expect(third.actual[0]).toBeCloseTo(series.values[TRAIN_DAYS], 4);
    f.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('samples names from the shipped model: seeded, and the temperature changes the sample', async () => {
    const sampler: CharSampler = {
      model: await loadModel(fileSystem(shipped)),
      vocabulary: CharVocabulary.fromJSON(JSON.parse(readFileSync(join(shipped, 'vocabulary.json'), 'utf8'))),
      record: JSON.parse(readFileSync(join(shipped, 'training.json'), 'utf8')) as TrainingRecord,
    };
    expect(sampler.record.result.heldOutBitsPerCharacter).toBeLessThan(
      sampler.record.result.bigramBitsPerCharacter as number,
    );
    const cold = await sampleNames(sampler, 'Anna\n', 0.5, 3);
    expect(await sampleNames(sampler, 'Anna\n', 0.5, 3)).toBe(cold);
    const hot = await sampleNames(sampler, 'Anna\n', 1.5, 3);
    expect(hot).not.toBe(cold);
    expect(cold).toHaveLength(60);
    sampler.model.dispose();
  }, 60_000);
});
