import { describe, expect, it } from 'vitest';
import { compareResults } from './compare.js';

const result = (values: number[][], shapes = values.map((v) => [v.length])) => ({
  values: values.map((v) => Float32Array.from(v)),
  shapes,
});

describe('compareResults', () => {
  const tolerance = { atol: 1e-3, rtol: 1e-2 };

  it('accepts results within atol + rtol * |want|, scaled by slack', () => {
    expect(compareResults(result([[1.0105, 0]]), result([[1, 0]]), tolerance)).toBeNull();
    expect(compareResults(result([[1.02, 0]]), result([[1, 0]]), tolerance, 2)).toBeNull();
  });

  it('names the first output and element that is off, NaN included', () => {
    expect(
      compareResults(
        result([
          [1, 0],
          [5, 2],
        ]),
        result([
          [1, 0],
          [5, 1],
        ]),
        tolerance,
      ),
    ).toBe('gradient of input 0: element 1 is 2, CPU gives 1');
    expect(compareResults(result([[Number.NaN]]), result([[1]]), tolerance)).toMatch(
      /^forward value: element 0 is NaN/,
    );
  });

  it('rejects a shape mismatch', () => {
    expect(compareResults(result([[1, 2]], [[2, 1]]), result([[1, 2]], [[1, 2]]), tolerance)).toMatch(
      /^shapes/,
    );
  });
});
