import { describe, expect, it } from 'vitest';
import { affineQuantize, dequantizePerChannelInt8, perChannelInt8 } from './affine.js';

describe('affineQuantize', () => {
  it('keeps every value within half a step and 0 exact', () => {
    const values = Float32Array.from([-0.7, 0, 0.05, 0.31, 1.2, -0.33]);
    for (const bits of [8, 16] as const) {
      const { levels, params } = affineQuantize(values, bits);
      values.forEach((v, i) => {
        expect(Math.abs(levels[i] * params.scale + params.min - v)).toBeLessThanOrEqual(
          params.scale / 2 + 1e-7,
        );
      });
      expect(levels[1] * params.scale + params.min).toBeCloseTo(0, 12);
    }
  });

  it('handles a constant tensor', () => {
    const { levels, params } = affineQuantize(Float32Array.from([0.5, 0.5]), 8);
    expect(levels[0] * params.scale + params.min).toBeCloseTo(0.5, 2);
  });
});

describe('perChannelInt8', () => {
  it('gives each output channel its own scale', () => {
    // [2, 2]: channel 0 small, channel 1 large
    const values = Float32Array.from([0.01, 10, -0.02, -5]);
    const { levels, scales } = perChannelInt8(values, [2, 2], 1);
    expect(scales[0]).toBeCloseTo(0.02 / 127, 8);
    expect(scales[1]).toBeCloseTo(10 / 127, 6);
    const back = dequantizePerChannelInt8(levels, [2, 2], 1, scales);
    for (const [i, v] of values.entries())
      expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(scales[i % 2] / 2 + 1e-7);
  });
});
