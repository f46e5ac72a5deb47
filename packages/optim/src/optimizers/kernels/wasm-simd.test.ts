import { Random } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import '../../index.js';
import { expectClose } from '../../test-utils/setup.js';
import { coefficientValues, fusedRule } from './fused-rule.js';
import { registeredRules } from './register.js';
import { ruleModule, simdUpdate } from './wasm-simd.js';
import { ruleWgsl } from './wgsl.js';

const rules = registeredRules();

describe('WebAssembly SIMD compilation of fused rules', () => {
  it('covers every optimizer configuration', () => {
    expect(rules.map((r) => r.kernel).sort()).toEqual([
      'TensorfoldAdadelta',
      'TensorfoldAdagrad',
      'TensorfoldAdam',
      'TensorfoldAdamAmsgrad',
      'TensorfoldAdamax',
      'TensorfoldNadam',
      'TensorfoldRMSprop',
      'TensorfoldRMSpropCentered',
      'TensorfoldRMSpropCenteredMomentum',
      'TensorfoldRMSpropMomentum',
      'TensorfoldSGD',
      'TensorfoldSGDMomentum',
      'TensorfoldSGDNesterov',
    ]);
  });

  it.each(rules.map((r) => [r.kernel, r] as const))(
    '%s: a valid module that computes what the loop computes',
    (_, rule) => {
      const bytes = ruleModule(rule);
      expect(WebAssembly.validate(bytes)).toBe(true);
      const memory = new WebAssembly.Memory({ initial: 1 });
      const update = simdUpdate(rule, memory);
      expect(update).not.toBeNull();
      // 12 elements per array: inputs then outputs, laid out one after another in the memory.
      const n = 12;
      const rng = new Random(3);
      const arrays = Array.from(
        { length: 2 + rule.slots + 1 + rule.slots },
        (_, k) => new Float32Array(memory.buffer, k * n * 4, n),
      );
      const inputs = arrays.slice(0, 2 + rule.slots);
      const outputs = arrays.slice(2 + rule.slots);
      for (const a of inputs) for (let i = 0; i < n; i++) a[i] = rng.uniformIn(0.1, 2); // positive: slots hold squares
      const named: Record<string, number> = { decay: 0.99 };
      for (const name of rule.coefficients) named[name] = rng.uniformIn(0.05, 0.9);
      const c = coefficientValues(rule, named);
      update?.(n * 4, ...arrays.map((a) => a.byteOffset), ...c);
      const expected = outputs.map(() => new Float32Array(n));
      const [w, g, ...slots] = inputs;
      rule.run(n, w, g, slots, expected, c);
      outputs.forEach((o, k) => {
        expectClose(o, expected[k], 1e-5);
      });
    },
  );

  it("gives a rule built under a taken kernel name its own function, not the registered rule's", () => {
    const adamRule = rules.find((r) => r.kernel === 'TensorfoldAdam');
    expect(adamRule).toBeDefined();
    // w + g under Adam's name (a benchmark may build such a rule through @tensorfold/optim/testing)
    const impostor = fusedRule({
      kernel: 'TensorfoldAdam',
      coefficients: [],
      slots: 2,
      outputs: ({ w, g, s: [m, v] }) => [w.add(g), m, v],
      run() {},
    });
    const memory = new WebAssembly.Memory({ initial: 1 });
    const adamUpdate = simdUpdate(adamRule!, memory);
    const update = simdUpdate(impostor, memory);
    expect(update).not.toBe(adamUpdate);
    expect(simdUpdate(impostor, memory)).toBe(update); // compiled and instantiated once
    // w, g, m, v, then the outputs w', m', v': 4 elements each
    const arrays = Array.from({ length: 7 }, (_, k) => new Float32Array(memory.buffer, k * 16, 4));
    arrays[0].set([1, 2, 3, 4]);
    arrays[1].set([0.5, 0.25, -1, 8]);
    arrays[2].set([1, 1, 1, 1]);
    arrays[3].set([1, 1, 1, 1]);
    update?.(16, ...arrays.map((a) => a.byteOffset), 1);
    expect(Array.from(arrays[4])).toEqual([1.5, 2.25, 2, 12]);
  });

  it('compiles to WGSL that defines every output', () => {
    for (const rule of rules) {
      const wgsl = ruleWgsl(rule);
      for (let k = 0; k <= rule.slots; k++) expect(wgsl).toContain(`let out${k} = `);
    }
  });
});
