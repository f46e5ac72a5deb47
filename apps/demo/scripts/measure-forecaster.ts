/**
 * Measures the Sequences page's forecaster as the page trains it (its default settings: GRU(16), 14-day
 * windows, Adam 0.01, seed 1, batches of 32), epoch by epoch on WASM: the training loss and the 2015 MAE
 * beside the persistence forecast's.
 *
 * Run from the repository root:
 *   node --conditions=@tensorfold/source --import tsx apps/demo/scripts/measure-forecaster.ts [epochs]
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { defaults } from '../src/lib/url-state.js';
import { Forecaster } from '../src/pages/sequences/forecast.js';
import { sequencesSchema } from '../src/pages/sequences/state.js';
import { parseWeather } from '../src/pages/sequences/weather.js';

const epochs = Number(process.argv[2] ?? 20);
await initBackend({ require: 'wasm' });
let dir = dirname(createRequire(import.meta.url).resolve('vega-datasets'));
while (!dir.endsWith('vega-datasets')) dir = dirname(dir);
const series = parseWeather(readFileSync(join(dir, 'data', 'seattle-weather.csv'), 'utf8'));
const forecaster = await Forecaster.create(series, defaults(sequencesSchema));
const start = performance.now();
console.log('| epoch | training loss (scaled MSE) | model MAE 2015 (°C) | persistence MAE (°C) | seconds |');
console.log('| ---: | ---: | ---: | ---: | ---: |');
for (let epoch = 1; epoch <= epochs; epoch++) {
  const r = await forecaster.step();
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  console.log(
    `| ${epoch} | ${r.trainLoss.toFixed(5)} | ${r.modelMae.toFixed(3)} | ${r.naiveMae.toFixed(3)} | ${seconds} |`,
  );
}
forecaster.dispose();
