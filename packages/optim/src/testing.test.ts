import { describe, expect, it } from 'vitest';
import * as main from './index.js';
import { crossentropyGradientWritten } from './losses/categorical-probabilities.js';
import * as testing from './testing.js';

describe('@tensorfold/optim/testing', () => {
  it('holds the A/B switches of the cross-entropy (written gradient, kernel), which the main entry does not export', () => {
    expect(Object.keys(main)).not.toContain('setCrossentropyGradientWritten');
    expect(Object.keys(main)).not.toContain('setCrossentropyKernelEnabled');
    expect(Object.keys(testing).sort()).toEqual([
      'fusedRule',
      'registeredRules',
      'ruleModule',
      'setCrossentropyGradientWritten',
      'setCrossentropyKernelEnabled',
      'setInPlaceUpdates',
      'setSimdLoopTestedAtEnd',
      'setZeroStateSkipped',
      'simdUpdate',
      'sqrt',
    ]);
    const compiler = ['fusedRule', 'registeredRules', 'simdUpdate', 'ruleModule', 'setSimdLoopTestedAtEnd'];
    for (const name of [...compiler, 'setZeroStateSkipped']) expect(Object.keys(main)).not.toContain(name);
    try {
      testing.setCrossentropyGradientWritten(false);
      expect(crossentropyGradientWritten()).toBe(false);
    } finally {
      testing.setCrossentropyGradientWritten(true);
    }
    expect(crossentropyGradientWritten()).toBe(true);
  });
});
