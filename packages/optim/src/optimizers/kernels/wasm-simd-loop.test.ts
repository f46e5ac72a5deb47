import { Random } from '@tensorfold/core';
import { afterEach, describe, expect, it } from 'vitest';
import '../../index.js';
import { coefficientValues } from './fused-rule.js';
import { registeredRules } from './register.js';
import { ruleModule, setSimdLoopTestedAtEnd, simdUpdate } from './wasm-simd.js';

const rules = registeredRules();

/** Where `needle` starts in `bytes`, or -1. */
function indexOf(bytes: Uint8Array, needle: number[]): number {
  for (let i = 0; i + needle.length <= bytes.length; i++) {
    if (needle.every((b, k) => bytes[i + k] === b)) return i;
  }
  return -1;
}

/** Runs `rule`'s update of the given loop form on 48 elements a array (seeded); returns every output array. */
function outputsOf(rule: (typeof rules)[number], testedFirst: boolean, bytesToRun = 48 * 4): Float32Array[] {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(ruleModule(rule, testedFirst)), {
    env: { memory },
  });
  const n = 48;
  const rng = new Random(7);
  const arrays = Array.from(
    { length: 2 + rule.slots + 1 + rule.slots },
    (_, k) => new Float32Array(memory.buffer, k * n * 4, n),
  );
  for (const a of arrays.slice(0, 2 + rule.slots)) for (let i = 0; i < n; i++) a[i] = rng.uniformIn(0.1, 2);
  const named: Record<string, number> = { decay: 0.99 };
  for (const name of rule.coefficients) named[name] = rng.uniformIn(0.05, 0.9);
  const update = instance.exports.update as (...args: number[]) => void;
  update(bytesToRun, ...arrays.map((a) => a.byteOffset), ...coefficientValues(rule, named));
  return arrays.slice(2 + rule.slots).map((a) => a.slice());
}

describe("the fused rules' SIMD loop form", () => {
  afterEach(() => setSimdLoopTestedAtEnd(true));

  it.each(rules.map((r) => [r.kernel, r] as const))(
    '%s: tested once before the loop and at the end of each turn (V8 then hoists the splats out of it)',
    (_, rule) => {
      const bytes = ruleModule(rule);
      // the byte cursor is the first local after the parameters: length, inputs, outputs, coefficients
      // (then the zero-state flag, for a rule with zeroStateKept)
      const flag = rule.zeroStateKept ? 1 : 0;
      const cursor = 1 + (2 + rule.slots) + (1 + rule.slots) + rule.coefficients.length + 1 + flag;
      // block; if cursor >= length: break; loop
      expect(
        indexOf(bytes, [0x02, 0x40, 0x20, cursor, 0x20, 0x00, 0x4f, 0x0d, 0x00, 0x03, 0x40]),
      ).toBeGreaterThan(0);
      // ... continue while cursor < length; end loop; end block; end function: the body's last bytes
      const tail = [0x20, cursor, 0x20, 0x00, 0x49, 0x0d, 0x00, 0x0b, 0x0b, 0x0b];
      expect(indexOf(bytes, tail)).toBe(bytes.length - tail.length);
      // the form before (tested at the top of each turn) is another module
      expect(indexOf(ruleModule(rule, true), tail)).toBe(-1);
    },
  );

  it.each(rules.map((r) => [r.kernel, r] as const))('%s: the same bits in either form', (_, rule) => {
    const atEnd = outputsOf(rule, false);
    const first = outputsOf(rule, true);
    atEnd.forEach((a, k) => {
      expect(new Uint32Array(a.buffer)).toEqual(new Uint32Array(first[k].buffer));
    });
    expect(atEnd[0].some((x) => x !== 0)).toBe(true);
  });

  it.each(rules.flatMap((r) => [1, 2, 3].map((turns) => [r.kernel, turns, r] as const)))(
    '%s: %i turns of 4 elements write those and nothing after them, the same bits in either form',
    (_, turns, rule) => {
      const atEnd = outputsOf(rule, false, turns * 16);
      const first = outputsOf(rule, true, turns * 16);
      atEnd.forEach((a, k) => {
        expect(new Uint32Array(a.buffer)).toEqual(new Uint32Array(first[k].buffer));
        expect(a.subarray(0, turns * 4).some((x) => x !== 0)).toBe(true);
        expect(a.subarray(turns * 4).every((x) => x === 0)).toBe(true);
      });
    },
  );

  it('writes nothing for a length of 0 (the test before the loop)', () => {
    const adam = rules.find((r) => r.kernel === 'TensorfoldAdam');
    expect(adam).toBeDefined();
    for (const out of outputsOf(adam!, false, 0)) expect(out.every((x) => x === 0)).toBe(true);
  });

  it('setSimdLoopTestedAtEnd(false) binds the form before, true the default again', () => {
    const adam = rules.find((r) => r.kernel === 'TensorfoldAdam');
    const memory = new WebAssembly.Memory({ initial: 1 });
    const atEnd = simdUpdate(adam!, memory);
    setSimdLoopTestedAtEnd(false);
    const first = simdUpdate(adam!, memory);
    expect(first).not.toBe(atEnd);
    expect(simdUpdate(adam!, memory)).toBe(first);
    setSimdLoopTestedAtEnd(true);
    expect(simdUpdate(adam!, memory)).toBe(atEnd);
  });
});
