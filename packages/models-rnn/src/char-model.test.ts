import { useBackend } from '@tensorfold/backend';
import { ConfigError, Random, SerializationError, setSeed, tf } from '@tensorfold/core';
import { adam } from '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { charLanguageModel, charWindows } from './char-model.js';
import { CharVocabulary, charVocabulary, OOV_ID } from './char-vocabulary.js';
import { bigramModel, bitsPerCharacter } from './perplexity.js';
import { generate, reweight, sampleIndex } from './sampling.js';

beforeAll(() => useBackend('wasm'));

describe('charVocabulary', () => {
  it('orders characters by frequency, maps unknown ones to OOV and counts them, and round-trips', () => {
    const v = charVocabulary('abracadabra');
    expect(v.characters).toEqual(['a', 'b', 'r', 'c', 'd']);
    expect(v.size).toBe(7);
    const { ids, unknown } = v.encode('abz!');
    expect(Array.from(ids)).toEqual([2, 3, OOV_ID, OOV_ID]);
    expect(unknown).toBe(2);
    expect(v.decode(ids, '?')).toBe('ab??');
    expect(CharVocabulary.fromJSON(JSON.parse(JSON.stringify(v))).characters).toEqual(v.characters);
    expect(() => CharVocabulary.fromJSON({ chars: 'ab' })).toThrow(SerializationError);
    expect(charVocabulary('aab', { minCount: 2 }).characters).toEqual(['a']);
  });
});

describe('reweight and sampling', () => {
  it('is p^(1/T) renormalized, and refuses T <= 0', () => {
    const p = [0.5, 0.3, 0.2];
    const t = 0.5;
    const expected = p.map((x) => x ** (1 / t));
    const sum = expected.reduce((a, b) => a + b, 0);
    const sharpened = Array.from(reweight(p, t));
    for (const [i, x] of sharpened.entries()) expect(x).toBeCloseTo((expected[i] as number) / sum, 12);
    for (const [i, x] of Array.from(reweight(p, 1)).entries()) expect(x).toBeCloseTo(p[i] as number, 12);
    expect(() => reweight(p, 0)).toThrow(ConfigError);
    expect(() => reweight(p, -1)).toThrow(/temperature must be a number > 0/);
  });

  it('draws indices with the distribution’s frequencies', () => {
    const random = new Random(5);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[sampleIndex([0.2, 0.5, 0.3], random)]++;
    expect((counts[1] as number) / 3000).toBeCloseTo(0.5, 1);
    expect((counts[0] as number) / 3000).toBeCloseTo(0.2, 1);
  });
});

describe('charWindows and the bigram baseline', () => {
  it('cuts windows with the next character as target', async () => {
    const { xs, ys } = charWindows([2, 3, 4, 5], { steps: 2 });
    expect(await xs.array()).toEqual([
      [2, 3],
      [3, 4],
    ]);
    expect(Array.from(await ys.data())).toEqual([4, 5]);
    tf.dispose([xs, ys]);
    expect(() => charWindows([1, 2], { steps: 2 })).toThrow(ConfigError);
  });

  it('gives a bigram model its smoothed probabilities and bits per character', () => {
    const v = charVocabulary('ab');
    const bigram = bigramModel('ababab', v);
    // after 'a' (id 2): 3 times 'b' in 3 + 4 smoothed counts
    expect(bigram.probability(2, 3)).toBeCloseTo(4 / 7);
    const score = bigram.score('abab');
    expect(score.bitsPerCharacter).toBeCloseTo(-(Math.log2(4 / 7) + Math.log2(3 / 6) + Math.log2(4 / 7)) / 3);
    expect(score.perplexity).toBeCloseTo(2 ** score.bitsPerCharacter);
  });
});

describe('charLanguageModel and generate', () => {
  it('learns a repeating text below the bigram bits/char, and a seed reproduces a sample, without leaks', async () => {
    setSeed(2);
    const text = 'the cat sat. the dog ran. '.repeat(12);
    const vocabulary = charVocabulary(text);
    const before = tf.memory().numTensors;
    const model = charLanguageModel({ vocabulary: vocabulary.size, units: 24, embedding: 8, steps: 8 });
    const { xs, ys } = charWindows(vocabulary.encode(text).ids, { steps: 8 });
    const optimizer = adam({ learningRate: 0.02 });
    model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
    await model.fit(xs, ys, { epochs: 40, batchSize: 32, verbose: 0 });
    tf.dispose([xs, ys]);
    const heldOut = 'the dog ran. the cat sat. the dog ran.';
    const score = await bitsPerCharacter(model, heldOut, { vocabulary, steps: 8 });
    const bigram = bigramModel(text, vocabulary).score(heldOut, 8);
    expect(score.characters).toBe(bigram.characters);
    expect(score.bitsPerCharacter).toBeLessThan(bigram.bitsPerCharacter);
    const a = await generate(model, 'the cat§', { vocabulary, length: 30, temperature: 0.5, seed: 1 });
    const b = await generate(model, 'the cat§', { vocabulary, length: 30, temperature: 0.5, seed: 1 });
    expect(a.text).toHaveLength(30);
    expect(b.text).toBe(a.text);
    expect(a.unknownInSeed).toBe(1);
    await expect(generate(model, 'the', { vocabulary, temperature: 0 })).rejects.toThrow(ConfigError);
    model.dispose();
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
