import { describe, expect, it } from 'vitest';
import {
  choiceField,
  intListField,
  numberField,
  readState,
  type StateSchema,
  splitHash,
  writeState,
} from './url-state';

interface TestState {
  dataset: 'circle' | 'xor';
  rate: number;
  layers: number[];
  seed: number;
}

const schema: StateSchema<TestState> = {
  dataset: choiceField<TestState['dataset']>('circle', ['circle', 'xor']),
  rate: numberField(0.03, 0.0001, 10),
  layers: intListField([4, 2], 1, 8, 0, 6),
  seed: numberField(1, 0, 1000, true),
};

describe('URL state', () => {
  it('round-trips a state through the query, leaving defaults out', () => {
    const state: TestState = { dataset: 'xor', rate: 0.1, layers: [8, 8, 3], seed: 1 };
    const query = writeState(schema, state);
    expect(query).toBe('dataset=xor&rate=0.1&layers=8%2C8%2C3');
    expect(readState(schema, query)).toEqual({ state, reset: [] });
    expect(readState(schema, '').state).toEqual({ dataset: 'circle', rate: 0.03, layers: [4, 2], seed: 1 });
  });

  it('resets everything to the defaults when any value is broken or unknown, naming it', () => {
    for (const [query, bad] of [
      ['dataset=moon&rate=0.1', 'dataset'],
      ['rate=abc', 'rate'],
      ['rate=1e9', 'rate'],
      ['layers=4,0', 'layers'],
      ['layers=1,2,3,4,5,6,7', 'layers'],
      ['seed=1.5', 'seed'],
      ['seed=', 'seed'],
      ['colour=red', 'colour'],
    ]) {
      const read = readState(schema, query);
      expect(read.reset, query).toEqual([bad]);
      expect(read.state, query).toEqual({ dataset: 'circle', rate: 0.03, layers: [4, 2], seed: 1 });
    }
    expect(readState(schema, 'layers=').state.layers).toEqual([]);
  });

  it('splits a hash into page and query', () => {
    expect(splitHash('#playground?seed=2')).toEqual({ page: 'playground', query: 'seed=2' });
    expect(splitHash('#/neurons')).toEqual({ page: 'neurons', query: '' });
    expect(splitHash('')).toEqual({ page: '', query: '' });
  });
});
