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

  it.each([
    ['into new buffers', false],
    ['in place', true],
  ])(
    'TensorfoldAdam, %s: with the zero-state flag, a chunk of 128 weights whose gradient and slots are all +0 is kept as read',
    (_, inPlace) => {
      const adamRule = rules.find((r) => r.kernel === 'TensorfoldAdam');
      const memory = new WebAssembly.Memory({ initial: 1 });
      const update = simdUpdate(adamRule!, memory);
      // 4 chunks: 3 of 128 weights (512 bytes), the last of 8; w, g, m, v, then w', m', v' (or w, m, v again)
      const n = 3 * 128 + 8;
      const arrays = Array.from({ length: 7 }, (_, k) => new Float32Array(memory.buffer, k * n * 4, n));
      const [w, g, m, v] = arrays;
      const outputs = inPlace ? [w, m, v] : arrays.slice(4);
      const run = (flag: number) => {
        w.set(Array.from({ length: n }, (_, i) => 1 + i));
        for (const a of [g, m, v, ...outputs.slice(inPlace ? 3 : 0)]) a.fill(0);
        g[128 + 77] = -0; // chunk 1: a -0 gradient is not +0 (its bits are set): computed
        m[2 * 128 + 127] = 0.5; // chunk 2: a slot holds a value: computed
        const offsets = [w, g, m, v, ...outputs].map((a) => a.byteOffset);
        // decay 0.5 (a caller never sets the flag so; here it tells computed weights from kept ones)
        update?.(n * 4, ...offsets, 0.1, 0.1, 0.001, 1e-7, 0.5, flag);
        return outputs.map((a) => Array.from(a));
      };
      const [kept, mKept, vKept] = run(1);
      const [computed, mComputed, vComputed] = run(0);
      const first = Array.from({ length: 128 }, (_, i) => 1 + i);
      expect(kept.slice(0, 128)).toEqual(first);
      expect(kept.slice(3 * 128)).toEqual(Array.from({ length: 8 }, (_, i) => 1 + 3 * 128 + i)); // the last chunk
      expect(computed.slice(0, 128)).toEqual(first.map((x) => x * 0.5));
      expect(kept.slice(128, 3 * 128)).toEqual(computed.slice(128, 3 * 128));
      expect(kept[128]).toBe(129 * 0.5); // chunk 1 computed, its step +0
      expect(mKept).toEqual(mComputed);
      expect(vKept).toEqual(vComputed);
      expect(mKept[2 * 128 + 127]).not.toBe(0);
    },
  );

  it("TensorfoldAdam's zero-state flag: set only where the step keeps a zero state", () => {
    const keeps = rules.find((r) => r.kernel === 'TensorfoldAdam')?.zeroStateKept;
    expect(keeps).toBeDefined();
    // alpha, 1 - beta1, 1 - beta2, epsilon, decay
    expect(keeps!([1e-3, 0.1, 0.001, 1e-7, 1])).toBe(true);
    expect(keeps!([0, 0.1, 0.001, 1e-7, 1])).toBe(true); // learning rate 0: +0 x 0 = +0
    expect(keeps!([1e-3, 0.1, 0.001, 1e-7, 0.999])).toBe(false); // AdamW's decay
    expect(keeps!([1e-3, 0.1, 0.001, 0, 1])).toBe(false); // 0 / 0
    expect(keeps!([1e-3, 0.1, 0.001, 1e-50, 1])).toBe(false); // 0 in float32
    expect(keeps!([-1e-3, 0.1, 0.001, 1e-7, 1])).toBe(false); // -0 step: -0 - -0 is +0
    expect(keeps!([Infinity, 0.1, 0.001, 1e-7, 1])).toBe(false); // beta1 1: Infinity x 0
    expect(keeps!([Number.NaN, 0.1, 0.001, 1e-7, 1])).toBe(false);
    expect(rules.find((r) => r.kernel === 'TensorfoldAdamAmsgrad')?.zeroStateKept).toBe(keeps);
  });

  it('compiles to WGSL that defines every output', () => {
    for (const rule of rules) {
      const wgsl = ruleWgsl(rule);
      for (let k = 0; k <= rule.slots; k++) expect(wgsl).toContain(`let out${k} = `);
    }
  });
});
