import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test-utils/setup.js';
import { padSequences } from './pad-sequences.js';
import { KERAS_TEXT_FILTERS, Tokenizer, type TokenizerState } from './tokenizer.js';

beforeAll(useCpu);

describe('Tokenizer matches Keras 2', () => {
  it('splits words at filtered characters, as Keras replaces each with the split character', () => {
    const t = new Tokenizer();
    expect(t.tokenize('hello,world')).toEqual(['hello', 'world']);
    expect(t.tokenize('Hello, World! x-y (z)')).toEqual(['hello', 'world', 'x', 'y', 'z']);
    expect(t.tokenize('a\tb\nc')).toEqual(['a', 'b', 'c']);
    t.fitOnTexts(['hello,world', 'hello world']);
    expect([...t.wordCounts.entries()]).toEqual([
      ['hello', 2],
      ['world', 2],
    ]);
  });

  it("uses Keras's default filters: ASCII punctuation, tab and newline, but not the apostrophe", () => {
    expect(KERAS_TEXT_FILTERS).toBe('!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n');
    const t = new Tokenizer();
    expect(t.tokenize("Don't stop")).toEqual(["don't", 'stop']);
    // Non-ASCII punctuation is not in Keras's list: it stays in the word.
    expect(t.tokenize('«oui»')).toEqual(['«oui»']);
  });

  it('takes filters as a string of characters (Keras) or a RegExp, and splits at them either way', () => {
    expect(new Tokenizer({ filters: '-]' }).tokenize('x-y, z]w')).toEqual(['x', 'y,', 'z', 'w']);
    expect(new Tokenizer({ filters: /[,.]/ }).tokenize('a,b.c d')).toEqual(['a', 'b', 'c', 'd']);
    // A RegExp split with filters: both separate words.
    expect(new Tokenizer({ filters: ',', split: /\|/ }).tokenize('a,b|c')).toEqual(['a', 'b', 'c']);
    expect(new Tokenizer({ filters: '' }).tokenize('a,b c')).toEqual(['a,b', 'c']);
    // Parentheses in a RegExp do not turn the separators into words (String.split would insert them).
    expect(new Tokenizer({ filters: /(,)|(;)/ }).tokenize('a,b;c')).toEqual(['a', 'b', 'c']);
    expect(new Tokenizer({ split: /(\|)/, filters: null }).tokenize('a|b')).toEqual(['a', 'b']);
    expect(new Tokenizer({ split: /(\|)/, filters: ',', filterMode: 'remove' }).tokenize('a|b,c')).toEqual([
      'a',
      'bc',
    ]);
    expect(() => new Tokenizer({ filters: 5 as unknown as string })).toThrow(ConfigError);
    expect(() => new Tokenizer({ filterMode: 'drop' as 'split' })).toThrow(ConfigError);
  });

  it('splits at single spaces by default, as Keras (other whitespace stays in words), or at a RegExp', () => {
    expect(new Tokenizer().split).toBe(' ');
    expect(new Tokenizer().tokenize('a\r\nb  c\u00a0d')).toEqual(['a\r', 'b', 'c\u00a0d']);
    expect(new Tokenizer({ split: /\s+/u }).tokenize('a\r\nb  c\u00a0d')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps every character at character level, spaces and punctuation included (Keras ignores filters there)', () => {
    const t = new Tokenizer({ level: 'char' }).fitOnTexts(['a, b']);
    expect([...t.wordIndex.keys()]).toEqual(['a', ',', ' ', 'b']);
    expect(t.sequencesToTexts(t.textsToSequences(['B, a']))).toEqual(['b, a']);
    // Filters passed explicitly are removed (documented difference).
    expect(new Tokenizer({ level: 'char', filters: ', ' }).tokenize('a, b')).toEqual(['a', 'b']);
  });

  it('makes textsToMatrix rows numWords wide when numWords is set, as Keras', () => {
    const t = new Tokenizer({ numWords: 10 }).fitOnTexts(['a b']);
    const [row] = t.textsToMatrix(['a']);
    expect(row.length).toBe(10);
    expect(Array.from(row.slice(0, 3))).toEqual([0, 1, 0]);
    expect(t.vocabularySize).toBe(3);
    const narrow = new Tokenizer({ numWords: 2 }).fitOnTexts(['a b b']);
    // b has id 1, a has id 2 >= numWords: dropped from the sequence, so freq divides by 2.
    expect(Array.from(narrow.textsToMatrix(['b a b'], 'freq')[0])).toEqual([0, 1]);
    expect(new Tokenizer().fitOnTexts(['a b']).textsToMatrix(['a'])[0].length).toBe(3);
  });

  it("computes 'tfidf' with Keras's formula (1 + ln tf) * ln(1 + docs / (1 + df))", () => {
    const corpus = ['a a b', 'b c'];
    // Ids: a 1, b 2, c 3 (a and b both occur twice; a first). Documents with: a 1, b 2, c 1.
    const t = new Tokenizer().fitOnTexts(corpus);
    expect([...t.wordDocs.entries()]).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 1],
    ]);
    const [row] = t.textsToMatrix(['a a b c d'], 'tfidf');
    const expected = [0, (1 + Math.log(2)) * Math.log(1 + 2 / 2), Math.log(1 + 2 / 3), Math.log(1 + 2 / 2)];
    expect(row.length).toBe(4);
    for (const [i, v] of expected.entries()) expect(row[i]).toBeCloseTo(v, 6);
    // The OOV id occurs in no fitted document: df 0.
    const withOov = new Tokenizer({ oovToken: '<oov>' }).fitOnTexts(corpus);
    const [oovRow] = withOov.textsToMatrix(['d'], 'tfidf');
    expect(oovRow[1]).toBeCloseTo(Math.log(1 + 2 / 1), 6);
    // sequencesToMatrix: ids past the width are skipped but still count in the length.
    expect(Array.from(t.sequencesToMatrix([[1, 9]], 'freq')[0])).toEqual([0, 0.5, 0, 0]);
    expect(Array.from(t.sequencesToMatrix([[]], 'count')[0])).toEqual([0, 0, 0, 0]);
  });

  it('refuses an unknown matrix mode and bad ids instead of counting', () => {
    const t = new Tokenizer().fitOnTexts(['a b']);
    expect(() => t.textsToMatrix(['a'], 'tf-idf' as 'tfidf')).toThrow(ConfigError);
    expect(() => t.sequencesToMatrix([[1, -1]], 'count')).toThrow(DataError);
    expect(() => t.sequencesToMatrix([1, 2] as unknown as number[][])).toThrow(DataError);
    expect(() => new Tokenizer().sequencesToMatrix([[1]])).toThrow(/fitOnTexts/);
    // With numWords, Keras needs no fitting except for tf-idf.
    expect(new Tokenizer({ numWords: 4 }).sequencesToMatrix([[1, 1, 3]], 'count')).toEqual([
      Float32Array.from([0, 2, 0, 1]),
    ]);
    expect(() => new Tokenizer({ numWords: 4 }).sequencesToMatrix([[1]], 'tfidf')).toThrow(
      /fit the tokenizer/,
    );
  });

  it('maps ids past numWords to the OOV token both ways, and skips padding (documented difference)', () => {
    const t = new Tokenizer({ numWords: 3, oovToken: '<oov>' }).fitOnTexts(['x x x y y z']);
    // Ids: <oov> 1, x 2, y 3, z 4.
    expect(t.textsToSequences(['x y z w'])).toEqual([[2, 1, 1, 1]]);
    expect(t.sequencesToTexts([[0, 0, 2, 3, 4, 99]])).toEqual(['x <oov> <oov> <oov>']);
    // The OOV token keeps id 1 even when the texts contain it.
    const own = new Tokenizer({ oovToken: 'x' }).fitOnTexts(['x y']);
    expect([...own.wordIndex.entries()]).toEqual([
      ['x', 1],
      ['y', 2],
    ]);
  });

  it('pads tokenized texts into a tensor without leaking', async () => {
    const t = new Tokenizer().fitOnTexts(['hello,world', 'hello']);
    const before = tf.memory().numTensors;
    const padded = padSequences(t.textsToSequences(['hello,world', 'world']), { maxLength: 3 });
    expect(await padded.array()).toEqual([
      [0, 1, 2],
      [0, 0, 2],
    ]);
    padded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Tokenizer state', () => {
  it('round-trips options, vocabulary and document counts through JSON', () => {
    const t = new Tokenizer({
      numWords: 5,
      oovToken: '<oov>',
      filters: ',',
      split: ' ',
      ngrams: 2,
    }).fitOnTexts(['a,b c', 'a a']);
    const state = JSON.parse(JSON.stringify(t.toJSON())) as TokenizerState;
    expect(state.version).toBe(2);
    expect(state.filterMode).toBe('split');
    const copy = Tokenizer.fromJSON(state);
    expect(copy.textsToSequences(['a,b c d'])).toEqual(t.textsToSequences(['a,b c d']));
    expect(copy.textsToMatrix(['a b'], 'tfidf')).toEqual(t.textsToMatrix(['a b'], 'tfidf'));
    expect([...copy.wordDocs.entries()]).toEqual([...t.wordDocs.entries()]);
    expect([...copy.wordCounts.entries()].sort()).toEqual([...t.wordCounts.entries()].sort());
    expect(copy.documentCount).toBe(2);
    expect(() => Tokenizer.fromJSON({ ...state, version: 3 })).toThrow(/upgrade/);
    expect(() => Tokenizer.fromJSON({ ...state, vocabulary: ['a', 'b', 'a'] })).toThrow(/twice/);
    expect(() => Tokenizer.fromJSON({ ...state, vocabulary: ['a', 7 as unknown as string] })).toThrow(
      /vocabulary\[1\]/,
    );
  });

  it('loads a state saved by @tensorfold/data 0.1 and tokenizes as it did (filtered characters removed)', () => {
    // Written by 0.1: new Tokenizer({ oovToken: '<oov>' }).fitOnTexts(['Hello, world!', 'hello,world']).toJSON()
    const old = JSON.parse(
      '{"level":"word","numWords":null,"oovToken":"<oov>","lower":true,' +
        '"filters":{"source":"[\\\\p{P}\\\\p{S}]","flags":"gu"},"split":{"source":"\\\\s+","flags":"u"},' +
        '"ngrams":1,"vocabulary":["<oov>","hello","world","helloworld"],"counts":[0,1,1,1],"documentCount":2}',
    ) as TokenizerState;
    const t = Tokenizer.fromJSON(old);
    expect(t.filterMode).toBe('remove');
    expect(t.textsToSequences(['hello,world', "Hello, world's end"])).toEqual([[4], [2, 1, 1]]);
    expect(t.sequencesToTexts([[0, 4, 2]])).toEqual(['helloworld hello']);
    expect(t.wordCounts.has('<oov>')).toBe(false);
    expect(t.textsToMatrix(['hello'], 'count')[0]).toEqual(Float32Array.from([0, 0, 1, 0, 0]));
    // 0.1 recorded no per-document counts: tf-idf says so instead of using zeros.
    expect(() => t.textsToMatrix(['hello'], 'tfidf')).toThrow(/fit a new Tokenizer/);
    // Saved again, it stays a 'remove' tokenizer without document counts.
    const again = Tokenizer.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    expect(again.filterMode).toBe('remove');
    expect(again.textsToSequences(['hello,world'])).toEqual([[4]]);
    expect(() => again.textsToMatrix(['hello'], 'tfidf')).toThrow(ConfigError);
    expect(() => again.toKerasJson()).toThrow(/removes filtered characters/);
  });

  it('loads a character-level state saved by 0.1, which removed punctuation from the characters', () => {
    // Written by 0.1: new Tokenizer({ level: 'char', oovToken: '?' }).fitOnTexts(['a, b!']).toJSON()
    const old = JSON.parse(
      '{"level":"char","numWords":null,"oovToken":"?","lower":true,' +
        '"filters":{"source":"[\\\\p{P}\\\\p{S}]","flags":"gu"},"split":{"source":"\\\\s+","flags":"u"},' +
        '"ngrams":1,"vocabulary":["?","a"," ","b"],"counts":[0,1,1,1],"documentCount":1}',
    ) as TokenizerState;
    const t = Tokenizer.fromJSON(old);
    expect(t.textsToSequences(['B, a'])).toEqual([[4, 3, 2]]);
    // A new character-level tokenizer keeps the comma (as Keras), here an unknown character.
    const fresh = Tokenizer.fromJSON({
      ...old,
      version: 2,
      filters: null,
      filterMode: 'split',
      documentCounts: [0, 1, 1, 1],
    });
    expect(fresh.textsToSequences(['B, a'])).toEqual([[4, 1, 3, 2]]);
  });
});

describe('Tokenizer on texts already split into tokens', () => {
  it('takes lists of tokens as Keras does: lowercased, not filtered or split', () => {
    const t = new Tokenizer().fitOnTexts([['Hello,', 'World'], 'hello world']);
    expect([...t.wordCounts.entries()]).toEqual([
      ['hello,', 1],
      ['world', 2],
      ['hello', 1],
    ]);
    expect(t.textsToSequences([['WORLD', 'hello,'], 'world'])).toEqual([[1, 2], [1]]);
    expect(new Tokenizer({ level: 'char' }).tokenize(['ab', 'C'])).toEqual(['ab', 'c']);
    expect(new Tokenizer({ ngrams: 2, lower: false }).tokenize(['A', 'b'])).toEqual(['A', 'b', 'A b']);
    // A list holding a non-string changes nothing.
    expect(() => t.fitOnTexts([['a', 1 as unknown as string]])).toThrow(/list holding a non-string/);
    expect(t.documentCount).toBe(2);
  });
});

describe('Tokenizer and Keras JSON', () => {
  // What Keras 2 writes for: t = Tokenizer(num_words=3, oov_token='<OOV>');
  // t.fit_on_texts(['The cat, the hat.', 'A cat!']); t.to_json()
  const kerasJson =
    '{"class_name": "Tokenizer", "config": {"num_words": 3, "filters": "!\\"#$%&()*+,-.' +
    '/:;<=>?@[\\\\]^_`{|}~\\t\\n", "lower": true, "split": " ", "char_level": false, "oov' +
    '_token": "<OOV>", "document_count": 2, "word_counts": "{\\"the\\": 2, \\"cat\\": 2' +
    ', \\"hat\\": 1, \\"a\\": 1}", "word_docs": "{\\"cat\\": 2, \\"the\\": 1, \\"hat\\"' +
    ': 1, \\"a\\": 1}", "index_docs": "{\\"3\\": 2, \\"2\\": 1, \\"4\\": 1, \\"5\\": ' +
    '1}", "index_word": "{\\"1\\": \\"<OOV>\\", \\"2\\": \\"the\\", \\"3\\": \\"cat\\"' +
    ', \\"4\\": \\"hat\\", \\"5\\": \\"a\\"}", "word_index": "{\\"<OOV>\\": 1, \\"th' +
    'e\\": 2, \\"cat\\": 3, \\"hat\\": 4, \\"a\\": 5}"}}';

  it('loads a tokenizer saved by Keras and produces the ids and tf-idf Keras would', () => {
    const t = Tokenizer.fromKerasJson(kerasJson);
    expect([...t.wordIndex.entries()]).toEqual([
      ['<OOV>', 1],
      ['the', 2],
      ['cat', 3],
      ['hat', 4],
      ['a', 5],
    ]);
    expect([t.numWords, t.split, t.filterCharacters, t.documentCount]).toEqual([
      3,
      ' ',
      KERAS_TEXT_FILTERS,
      2,
    ]);
    // num_words 3 keeps ids 1 and 2; the rest becomes the OOV id.
    expect(t.textsToSequences(['The cat sat on the hat, a cat.'])).toEqual([[2, 1, 1, 1, 2, 1, 1, 1]]);
    const [row] = t.textsToMatrix(['the cat'], 'tfidf');
    expect(row.length).toBe(3);
    expect(row[0]).toBe(0);
    expect(row[1]).toBeCloseTo(Math.log(1 + 2 / 1), 6); // OOV: in no document
    expect(row[2]).toBeCloseTo(Math.log(1 + 2 / 2), 6); // 'the': in 1 of 2
    expect(Tokenizer.fromKerasJson(JSON.parse(kerasJson)).textsToSequences(['the hat'])).toEqual([[2, 1]]);
  });

  it('writes JSON Keras reads back to the same tokenizer', () => {
    const t = Tokenizer.fromKerasJson(kerasJson);
    const written = JSON.parse(t.toKerasJson());
    const original = JSON.parse(kerasJson);
    expect(written.class_name).toBe('Tokenizer');
    for (const key of ['num_words', 'filters', 'lower', 'split', 'char_level', 'oov_token', 'document_count'])
      expect(written.config[key]).toEqual(original.config[key]);
    for (const key of ['word_counts', 'word_docs', 'index_docs', 'index_word', 'word_index'])
      expect(JSON.parse(written.config[key])).toEqual(JSON.parse(original.config[key]));
    const fitted = new Tokenizer({ oovToken: '?' }).fitOnTexts(['x y, y', 'z']);
    const back = Tokenizer.fromKerasJson(fitted.toKerasJson());
    expect(back.textsToSequences(['y x w'])).toEqual(fitted.textsToSequences(['y x w']));
    expect(back.textsToMatrix(['y z'], 'tfidf')).toEqual(fitted.textsToMatrix(['y z'], 'tfidf'));
    // Words that are also names on Object.prototype stay plain words.
    const words = new Tokenizer({ filters: '' }).fitOnTexts([
      'constructor __proto__ tostring',
      'constructor',
    ]);
    const wordsBack = Tokenizer.fromKerasJson(words.toKerasJson());
    expect([...wordsBack.wordCounts.entries()]).toEqual([...words.wordCounts.entries()]);
    expect([...wordsBack.wordDocs.entries()]).toEqual([...words.wordDocs.entries()]);
    expect(JSON.parse(JSON.parse(words.toKerasJson()).config.word_index)).toEqual(
      JSON.parse('{"constructor": 1, "__proto__": 2, "tostring": 3}'),
    );
  });

  it('ignores filters at character level, as Keras', () => {
    const original = JSON.parse(kerasJson);
    const chars = { ...original, config: { ...original.config, char_level: true } };
    const t = Tokenizer.fromKerasJson(chars);
    expect(t.filters).toBeNull();
    expect(t.tokenize('a, b')).toEqual(['a', ',', ' ', 'b']);
    expect(JSON.parse(t.toKerasJson()).config.char_level).toBe(true);
  });

  it('refuses what Keras cannot express, and JSON that is not a Keras tokenizer', () => {
    expect(() => new Tokenizer({ ngrams: 2 }).fitOnTexts(['a b']).toKerasJson()).toThrow(/n-grams/);
    expect(() => new Tokenizer({ split: /\s+/u }).fitOnTexts(['a b']).toKerasJson()).toThrow(ConfigError);
    expect(() => new Tokenizer({ filters: /[,]/ }).fitOnTexts(['a b']).toKerasJson()).toThrow(/filters/);
    expect(() => Tokenizer.fromKerasJson('{"class_name": "Other", "config": {}}')).toThrow(DataError);
    expect(() => Tokenizer.fromKerasJson('{not json')).toThrow(/not valid JSON/);
    const original = JSON.parse(kerasJson);
    // Keras gives the OOV token a second id when the texts contain it, leaving id 1 to nothing.
    const gap = { ...original, config: { ...original.config, word_index: '{"the": 2, "<OOV>": 3}' } };
    expect(() => Tokenizer.fromKerasJson(gap)).toThrow(/ids must run 1, 2, 3/);
    const badCounts = { ...original, config: { ...original.config, word_counts: '{"the": -1}' } };
    expect(() => Tokenizer.fromKerasJson(badCounts)).toThrow(/not a count/);
  });
});

describe('README text example', () => {
  it('gives the ids the README shows', () => {
    const tokenizer = new Tokenizer({ numWords: 100, oovToken: '<oov>' }).fitOnTexts([
      'The cat sat on the mat.',
      'The dog ate my homework!',
    ]);
    expect(tokenizer.textsToSequences(['the cat ate the hat'])).toEqual([[2, 3, 8, 2, 1]]);
    expect(tokenizer.textsToMatrix(['the cat'], 'tfidf')[0].length).toBe(100);
  });
});
