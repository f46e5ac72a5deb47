import { useBackend } from '@tensorfold/backend';
import { ConfigError, setSeed, tf } from '@tensorfold/core';
import { padSequences, Tokenizer } from '@tensorfold/data';
import { adam } from '@tensorfold/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { textClassifier } from './text-classifier.js';

beforeAll(() => useBackend('wasm'));

describe('textClassifier', () => {
  it('honours the padding mask: the same text padded more gives the same answer', async () => {
    setSeed(3);
    for (const body of ['lstm', 'gru', 'bidirectional'] as const) {
      const model = textClassifier({ vocabulary: 20, embedding: 4, units: 3, body });
      const short = tf.tensor2d([[5, 6, 7]], [1, 3], 'int32');
      const padded = tf.tensor2d([[0, 0, 0, 5, 6, 7]], [1, 6], 'int32');
      const [a, b] = [model.predict(short) as tf.Tensor, model.predict(padded) as tf.Tensor];
      expect(Array.from(await b.data())[0]).toBeCloseTo(Array.from(await a.data())[0] as number, 5);
      tf.dispose([short, padded, a, b]);
      model.dispose();
    }
  });

  it('builds the conv1d body and a softmax head for more classes; refuses bad options', () => {
    const conv = textClassifier({ vocabulary: 50, body: 'conv1d', units: 8, sequenceLength: 40 });
    expect(conv.outputs[0]?.shape).toEqual([null, 1]);
    const three = textClassifier({ vocabulary: 50, numClasses: 3 });
    expect(three.outputs[0]?.shape).toEqual([null, 3]);
    expect(() => textClassifier({ vocabulary: 1 })).toThrow(ConfigError);
    expect(() => textClassifier({ vocabulary: 9, body: 'rnn' as 'lstm' })).toThrow(
      /Unknown text classifier body/,
    );
    conv.dispose();
    three.dispose();
  });

  it("learns which texts mention 'spam', from the Tokenizer and padSequences, without leaks", async () => {
    setSeed(11);
    const words = ['the', 'a', 'cat', 'dog', 'runs', 'sleeps', 'here', 'now'];
    const texts: string[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 64; i++) {
      const n = 2 + (i % 5);
      const t = Array.from({ length: n }, (_, k) => words[(i * 7 + k * 3) % words.length]);
      if (i % 2 === 0) t.splice(i % n, 0, 'spam');
      texts.push(t.join(' '));
      labels.push(i % 2 === 0 ? 1 : 0);
    }
    const before = tf.memory().numTensors;
    const tokenizer = new Tokenizer().fitOnTexts(texts);
    const xs = padSequences(tokenizer.textsToSequences(texts), { maxLength: 8 });
    const ys = tf.tensor2d(labels, [labels.length, 1]);
    const model = textClassifier({
      vocabulary: tokenizer.vocabularySize,
      embedding: 8,
      units: 8,
      body: 'gru',
    });
    const optimizer = adam({ learningRate: 0.02 });
    model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const history = await model.fit(xs, ys, { epochs: 12, batchSize: 16, verbose: 0 });
    expect(history.history.accuracy?.at(-1)).toBeGreaterThan(0.9);
    tf.dispose([xs, ys]);
    model.dispose();
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
