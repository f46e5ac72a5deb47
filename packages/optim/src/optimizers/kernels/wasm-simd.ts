/**
 * Compiles a rule's expressions to a WebAssembly function that runs on the WASM backend's own memory
 * with 128-bit SIMD: four float32 elements per instruction, every intermediate value in a register,
 * one pass over the data. The module is a few hundred bytes, assembled here (no toolchain), and
 * imports the backend's `WebAssembly.Memory`, so tensors are read and written where they live.
 *
 * The function takes the byte length to process (a multiple of 16), the byte offsets of the inputs
 * (`w`, `g`, slots) and outputs (value, slots), and the coefficients as f32; for a rule with
 * `zeroStateKept`, then an i32 flag: where it is 1, each chunk of 128 elements whose gradient and slots
 * are all +0 is kept as read instead of computed (see {@link ruleModule}).
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

/** Signed LEB128 (i32.const's immediate). */
function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
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
const V128_OR = simd(0x50);
const V128_ANY_TRUE = simd(0x53);
const V128_STORE = [...simd(0x0b), 0x00, 0x00];
const F32X4_SPLAT = simd(0x13);

/**
 * Bytes of each chunk that the zero-state test keeps or computes as a whole (see {@link ruleModule}):
 * 128 weights, a quarter of a row of 512 (MNIST's blank pixels leave whole rows of the first layer's
 * weights at zero state). 256 to 2,048 bytes measured alike on Adam over `[784, 512]`.
 */
const ZERO_STATE_CHUNK = 512;
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
 *
 * A rule with `zeroStateKept` takes one more parameter, the flag its caller sets where the rule says
 * the step's coefficients keep a zero state. The loop then runs by chunks of {@link ZERO_STATE_CHUNK}
 * bytes: where the flag is set and the gradient and every slot of a chunk are +0 (their bits or-ed,
 * 4 lanes at a time, until one is set), the chunk is kept as read (copied where the outputs are not
 * the inputs); any other chunk is computed turn by turn. The rule's arithmetic would have stored the
 * same bits (the flag promises it), without the division and square root that bound Adam's loop
 * (BENCHMARKS.md, "Adam's share of the MLP step"). The form tested first ignores the flag.
 */
export function ruleModule(rule: FusedRule, testedFirst = false): Uint8Array<ArrayBuffer> {
  const inputs = 2 + rule.slots;
  const outputs = 1 + rule.slots;
  const coefficients = rule.coefficients.length + 1;
  // Parameters: byte length, input offsets, output offsets (i32), coefficients (f32), then the
  // zero-state flag (i32) for a rule with zeroStateKept.
  const skips = rule.zeroStateKept != null;
  const params = [I32, ...Array(inputs + outputs).fill(I32), ...Array(coefficients).fill(F32)];
  const firstCoefficient = 1 + inputs + outputs;
  const skipFlag = params.length;
  if (skips) params.push(I32);
  // Locals: the byte cursor (then, chunked, the chunk's end, a probe cursor and whether the outputs are
  // the inputs), one splatted vector per coefficient, one vector per input and node.
  const chunked = skips && !testedFirst;
  const cursor = params.length;
  const [chunkEnd, probe, inPlace] = [cursor + 1, cursor + 2, cursor + 3];
  const i32Locals = chunked ? 4 : 1;
  const splat = (k: number) => cursor + i32Locals + k;
  const inputLocal = (k: number) => cursor + i32Locals + coefficients + k;
  const nodes = topologicalOrder(rule.expressions);
  const nodeLocal = new Map<Expr, number>(
    nodes.map((e, i) => [e, cursor + i32Locals + coefficients + inputs + i]),
  );
  const ref = (e: Expr): number[] => {
    if (e.op === 'input') return localGet(inputLocal(e.index));
    if (e.op === 'coefficient') return localGet(splat(e.index));
    return localGet(nodeLocal.get(e) as number);
  };
  // (the vector at byte `at` of input k, of output k)
  const load = (k: number, at: number) => [...localGet(1 + k), ...localGet(at), 0x6a, ...V128_LOAD];
  const store = (k: number, at: number, value: number[]) => [
    ...localGet(1 + inputs + k),
    ...localGet(at),
    0x6a,
    ...value,
    ...V128_STORE,
  ];
  /** One turn at the cursor: the inputs loaded, the rule computed, the outputs stored. */
  const turn = (): number[] => {
    const out: number[] = [];
    for (let k = 0; k < inputs; k++) out.push(...load(k, cursor), ...localSet(inputLocal(k)));
    for (const e of nodes) {
      for (const a of e.args) out.push(...ref(a));
      out.push(...(SIMD_OPS[e.op] as number[]), ...localSet(nodeLocal.get(e) as number));
    }
    rule.expressions.forEach((e, k) => {
      out.push(...store(k, cursor, ref(e)));
    });
    return out;
  };
  const lessThan = (a: number, b: number) => [...localGet(a), ...localGet(b), 0x49]; // i32.lt_u
  const advance = (at: number) => [...localGet(at), 0x41, 0x10, 0x6a, ...localSet(at)]; // at += 16

  const code: number[] = [];
  for (let k = 0; k < coefficients; k++)
    code.push(...localGet(firstCoefficient + k), ...F32X4_SPLAT, ...localSet(splat(k)));
  // The loop is tested at its end, after one test before it: TurboFan hoists a loop's pure nodes
  // (here the coefficients' splats) out of it only from blocks that dominate every exit, and a test
  // at the top leaves the body off the exit's path (V8 11.3 re-splatted 5 coefficients per turn).
  if (!chunked) {
    code.push(0x02, 0x40); // block
    if (testedFirst) code.push(0x03, 0x40); // loop
    code.push(...localGet(cursor), ...localGet(0), 0x4f, 0x0d, testedFirst ? 0x01 : 0x00); // if cursor >= length: break
    if (!testedFirst) code.push(0x03, 0x40); // loop
    code.push(...turn(), ...advance(cursor));
    if (testedFirst)
      code.push(0x0c, 0x00); // continue
    else code.push(...lessThan(cursor, 0), 0x0d, 0x00); // continue while cursor < length
    code.push(0x0b, 0x0b); // end loop; end block
  } else {
    // Chunks of ZERO_STATE_CHUNK bytes. Where the flag is set, a chunk whose gradient and slots are
    // all +0 (the probe reads them until a bit is set) is kept as read (nothing to store in place);
    // any other is computed by a loop of turns as above, one block: a test for zero state in each
    // turn would leave the arithmetic off the exit's path, and V8 then splats the coefficients in
    // every turn (measured 15% slower on Adam's weights).
    code.push(...localGet(1 + inputs), ...localGet(1), 0x46); // out0 == w
    for (let k = 1; k <= rule.slots; k++)
      code.push(...localGet(1 + inputs + k), ...localGet(1 + 1 + k), 0x46, 0x71);
    code.push(...localSet(inPlace));
    code.push(0x02, 0x40); // block
    code.push(...localGet(cursor), ...localGet(0), 0x4f, 0x0d, 0x00); // if cursor >= length: break
    code.push(0x03, 0x40); // loop (chunks)
    // chunkEnd = min(cursor + chunk, length)
    code.push(...localGet(cursor), 0x41, ...sleb(ZERO_STATE_CHUNK), 0x6a, 0x22, ...uleb(chunkEnd));
    code.push(...localGet(0), ...lessThan(chunkEnd, 0), 0x1b, ...localSet(chunkEnd));
    code.push(0x02, 0x40, 0x02, 0x40); // block (next chunk); block (compute)
    code.push(...localGet(skipFlag), 0x45, 0x0d, 0x00); // flag 0: compute
    code.push(...localGet(cursor), ...localSet(probe), 0x03, 0x40); // probe = cursor; loop
    code.push(...load(1, probe));
    for (let s = 0; s < rule.slots; s++) code.push(...load(2 + s, probe), ...V128_OR);
    code.push(...V128_ANY_TRUE, 0x0d, 0x01); // a bit set: compute
    code.push(...advance(probe), ...lessThan(probe, chunkEnd), 0x0d, 0x00, 0x0b); // end probe loop
    code.push(...localGet(inPlace), 0x0d, 0x01); // zero state, in place: next chunk
    code.push(...localGet(cursor), ...localSet(probe), 0x03, 0x40); // probe = cursor; loop: copy
    for (let k = 0; k < outputs; k++) code.push(...store(k, probe, load(k === 0 ? 0 : 1 + k, probe)));
    code.push(...advance(probe), ...lessThan(probe, chunkEnd), 0x0d, 0x00, 0x0b); // end copy loop
    code.push(0x0c, 0x01, 0x0b); // next chunk; end block (compute)
    code.push(0x03, 0x40, ...turn(), ...advance(cursor), ...lessThan(cursor, chunkEnd), 0x0d, 0x00, 0x0b);
    code.push(0x0b); // end block (next chunk)
    code.push(...localGet(chunkEnd), ...localSet(cursor));
    code.push(...lessThan(cursor, 0), 0x0d, 0x00); // continue while cursor < length
    code.push(0x0b, 0x0b); // end loop (chunks); end block
  }
  code.push(0x0b); // end function

  const locals = vec([
    [...uleb(i32Locals), I32],
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

/**
 * The compiled update of a rule for one memory: `(byteLength, ...offsets, ...coefficients) => void`,
 * then the zero-state flag (0 or 1) for a rule with `zeroStateKept`.
 */
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
