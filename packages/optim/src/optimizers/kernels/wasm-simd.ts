/**
 * Compiles a rule's expressions to a WebAssembly function that runs on the WASM backend's own memory
 * with 128-bit SIMD: four float32 elements per instruction, every intermediate value in a register,
 * one pass over the data. The module is a few hundred bytes, assembled here (no toolchain), and
 * imports the backend's `WebAssembly.Memory`, so tensors are read and written where they live.
 *
 * The function takes the byte length to process (a multiple of 16), the byte offsets of the inputs
 * (`w`, `g`, slots) and outputs (value, slots), and the coefficients as f32.
 */
import { type Expr, topologicalOrder } from './expr.js';
import type { FusedRule } from './fused-rule.js';

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

const simd = (op: number) => [0xfd, ...uleb(op)];
const SIMD_OPS: Partial<Record<Expr['op'], number[]>> = {
  abs: simd(0xe0),
  neg: simd(0xe1),
  sqrt: simd(0xe3),
  add: simd(0xe4),
  sub: simd(0xe5),
  mul: simd(0xe6),
  div: simd(0xe7),
  min: simd(0xe8),
  max: simd(0xe9),
};
const V128_LOAD = [...simd(0x00), 0x00, 0x00]; // memarg: alignment hint 1 byte, offset 0
const V128_STORE = [...simd(0x0b), 0x00, 0x00];
const F32X4_SPLAT = simd(0x13);
const localGet = (i: number) => [0x20, ...uleb(i)];
const localSet = (i: number) => [0x21, ...uleb(i)];

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

/**
 * The module's bytes: one exported function `update`. `testedFirst` (default false): the loop as
 * before wip/codegen, its exit tested at the top of each turn (the same arithmetic, the same bits; kept
 * for same-process A/B benchmarks, through @tensorfold/optim/testing's `ruleModule`).
 */
export function ruleModule(rule: FusedRule, testedFirst = false): Uint8Array<ArrayBuffer> {
  const inputs = 2 + rule.slots;
  const outputs = 1 + rule.slots;
  const coefficients = rule.coefficients.length + 1;
  // Parameters: byte length, input offsets, output offsets (i32), coefficients (f32).
  const params = [I32, ...Array(inputs + outputs).fill(I32), ...Array(coefficients).fill(F32)];
  const firstCoefficient = 1 + inputs + outputs;
  // Locals: the byte cursor, one splatted vector per coefficient, one vector per input and node.
  const cursor = params.length;
  const splat = (k: number) => cursor + 1 + k;
  const inputLocal = (k: number) => cursor + 1 + coefficients + k;
  const nodes = topologicalOrder(rule.expressions);
  const nodeLocal = new Map<Expr, number>(nodes.map((e, i) => [e, cursor + 1 + coefficients + inputs + i]));
  const ref = (e: Expr): number[] => {
    if (e.op === 'input') return localGet(inputLocal(e.index));
    if (e.op === 'coefficient') return localGet(splat(e.index));
    return localGet(nodeLocal.get(e) as number);
  };

  const code: number[] = [];
  for (let k = 0; k < coefficients; k++)
    code.push(...localGet(firstCoefficient + k), ...F32X4_SPLAT, ...localSet(splat(k)));
  // The loop is tested at its end, after one test before it: TurboFan hoists a loop's pure nodes
  // (here the coefficients' splats) out of it only from blocks that dominate every exit, and a test
  // at the top leaves the body off the exit's path (V8 11.3 re-splatted 5 coefficients per turn).
  code.push(0x02, 0x40); // block
  if (testedFirst) code.push(0x03, 0x40); // loop
  code.push(...localGet(cursor), ...localGet(0), 0x4f, 0x0d, testedFirst ? 0x01 : 0x00); // if cursor >= length: break
  if (!testedFirst) code.push(0x03, 0x40); // loop
  for (let k = 0; k < inputs; k++) {
    code.push(...localGet(1 + k), ...localGet(cursor), 0x6a, ...V128_LOAD, ...localSet(inputLocal(k)));
  }
  for (const e of nodes) {
    for (const a of e.args) code.push(...ref(a));
    code.push(...(SIMD_OPS[e.op] as number[]), ...localSet(nodeLocal.get(e) as number));
  }
  rule.expressions.forEach((e, k) => {
    code.push(...localGet(1 + inputs + k), ...localGet(cursor), 0x6a, ...ref(e), ...V128_STORE);
  });
  code.push(...localGet(cursor), 0x41, 0x10, 0x6a, ...localSet(cursor)); // cursor += 16
  if (testedFirst)
    code.push(0x0c, 0x00); // continue
  else code.push(...localGet(cursor), ...localGet(0), 0x49, 0x0d, 0x00); // continue while cursor < length
  code.push(0x0b, 0x0b); // end loop; end block
  code.push(0x0b); // end function

  const locals = vec([
    [...uleb(1), I32],
    [...uleb(coefficients + inputs + nodes.length), V128],
  ]);
  const body = [...locals, ...code];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(params.map((p) => [p])), 0x00]])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...name('update'), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ];
  return new Uint8Array(bytes);
}

/** The compiled update of a rule for one memory: `(byteLength, ...offsets, ...coefficients) => void`. */
export type SimdUpdate = (...args: number[]) => void;

// Keyed by the rule object, not its kernel name: a rule built elsewhere under a taken name (a
// benchmark's, through @tensorfold/optim/testing) gets its own module, never another rule's. One
// cache per loop form ([tested at the end, tested first]), for setSimdLoopTestedAtEnd's A/B.
const modules = [
  new WeakMap<FusedRule, WebAssembly.Module | null>(),
  new WeakMap<FusedRule, WebAssembly.Module | null>(),
];
const instances = [
  new WeakMap<WebAssembly.Memory, WeakMap<FusedRule, SimdUpdate>>(),
  new WeakMap<WebAssembly.Memory, WeakMap<FusedRule, SimdUpdate>>(),
];
let testedFirstForm = 0;

/**
 * For same-process A/B benchmarks (@tensorfold/optim/testing): whether the rules' SIMD loops compiled
 * and bound from now on test their exit at the end of each turn (true, the default) or at the top (the
 * form before wip/codegen). The same arithmetic either way, the same bits. Process-wide.
 */
export function setSimdLoopTestedAtEnd(atEnd: boolean): void {
  testedFirstForm = atEnd ? 0 : 1;
}

/**
 * The rule's SIMD function bound to `memory`, or null where WebAssembly SIMD is unavailable (the
 * caller then runs the rule's JavaScript loop). Compiled once per rule object, instantiated once per
 * memory.
 */
export function simdUpdate(rule: FusedRule, memory: WebAssembly.Memory): SimdUpdate | null {
  const form = testedFirstForm;
  let module = modules[form].get(rule);
  if (module === undefined) {
    const bytes = ruleModule(rule, form === 1);
    module = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    modules[form].set(rule, module);
  }
  if (module === null) return null;
  let bound = instances[form].get(memory);
  if (!bound) {
    bound = new WeakMap();
    instances[form].set(memory, bound);
  }
  let update = bound.get(rule);
  if (!update) {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    update = instance.exports.update as SimdUpdate;
    bound.set(rule, update);
  }
  return update;
}
