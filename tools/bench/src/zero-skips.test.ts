import type { Model, tf } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { predictingWithout } from './zero-skips.js';

describe('predictingWithout', () => {
  it("turns the switches off for predict's call only, and on again after a throw", () => {
    const log: string[] = [];
    const switches = ['int8', 'float'].map(
      (name) => (on: boolean) => log.push(`${name} ${on ? 'on' : 'off'}`),
    );
    let fail = false;
    const model = {
      predict: (x: tf.Tensor, options?: { batchSize?: number }) => {
        log.push(`predict ${String(x)} ${options?.batchSize}`);
        if (fail) throw new Error('failed');
        return 'y';
      },
    } as unknown as Model;
    const without = predictingWithout(model, switches);
    expect(without.predict('x' as unknown as tf.Tensor, { batchSize: 32 })).toBe('y');
    expect(log.splice(0)).toEqual(['int8 off', 'float off', 'predict x 32', 'int8 on', 'float on']);
    fail = true;
    expect(() => without.predict('x' as unknown as tf.Tensor)).toThrow('failed');
    expect(log).toEqual(['int8 off', 'float off', 'predict x undefined', 'int8 on', 'float on']);
  });
});
