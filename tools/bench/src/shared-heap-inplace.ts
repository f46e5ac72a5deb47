/**
 * Issue 22, lever A prototyped: the MLP's first-layer products on MNIST computed by a thread pool
 * that works on tfjs-backend-wasm's heap itself, against today's path (tensorfold's pool on its own
 * memory, operands copied in and the product out), in one process, alternating.
 *
 * The prototype starts a second ThreadPool (2 threads) with threaded-mat-mul.wat and
 * threaded-pair-steps.wat in the build the one-thread kernels use, grows its shared memory to the
 * 256 pages that tfjs's threaded build imports at least, and loads that build on it
 * (tfjs-threaded-build.ts): one memory, tfjs's heap. Operands are tfjs tensors, given to the kernels
 * by their heap offsets; the panels, the lists and (for `x^T`) the transposed rows come from tfjs's
 * `malloc`; the tiles write the output tensor in place. Same kernels and same order of sums as
 * today's path, so the same bits (checked).
 *
 * Today's path runs on tensorfold's own pool (`TENSORFOLD_WASM_THREADS=2`, started by the backend),
 * whose memory is separate; its routing is mat-mul-by-threads.ts's. tensorfold's one-thread SIMD
 * kernels refuse a shared tfjs heap (simd-module.ts), so whole training steps are not comparable
 * here: only the products are.
 *
 * `TENSORFOLD_WASM_THREADS=2 pnpm --filter @tensorfold/bench shared-heap-inplace [rounds]`
 */
import { loadavg } from 'node:os';
import { poolInternals } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { runAlternating } from './alternating-rounds.js';
import { useBackend } from './backends.js';
import { mlpOperands } from './mlp-operands.js';
import { medianAndQuartiles } from './steadiness.js';
import { loadThreaded, useThreadedBuild } from './tfjs-threaded-build.js';
import { timedMs } from './timed-call.js';

const {
  PAIR_LISTED_AT_MOST_SIXTEENTHS,
  ThreadPool,
  listWords,
  matMulWasm,
  pairStepsWasm,
  simdKernelsFlavor,
  tiles,
  wasmThreads,
} = poolInternals;
type ThreadedMatMulKernels = poolInternals.ThreadedMatMulKernels;
type ThreadedPairKernels = poolInternals.ThreadedPairKernels;
const CALLS = 20;
const PAGE = 65536;

interface HeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  disposeData(dataId: object): void;
}

async function main() {
  const rounds = Number(process.argv[2] ?? '15');
  const flavor = simdKernelsFlavor();
  if (flavor === 'none') throw new Error('no WebAssembly SIMD');
  const base64 = (m: { SIMD_WASM_BASE64: string; FMA_WASM_BASE64: string }) =>
    flavor === 'fma' ? m.FMA_WASM_BASE64 : m.SIMD_WASM_BASE64;
  const modules = [matMulWasm, pairStepsWasm].map(
    (m) => new WebAssembly.Module(Buffer.from(base64(m), 'base64')),
  );
  const pool = await ThreadPool.start<object>(2, modules, 16384, ['matMulChunk', 'pairChunk']);
  if (pool == null) throw new Error('no pool');
  pool.reserve(256 * PAGE);
  const mm = pool.kernels[0] as ThreadedMatMulKernels;
  const pairs = pool.kernels[1] as ThreadedPairKernels;
  const { module, ms, cleanup } = await loadThreaded(pool.memory);
  // the worker file and the pool's workers go whatever happens below
  try {
    await useThreadedBuild(module, 1);
    console.log(
      `backend: ${await useBackend('wasm')}; tensorfold's pool ${wasmThreads()} threads; prototype pool 2 threads ` +
        `(${flavor}) on tfjs's heap (threaded build loaded in ${ms.toFixed(0)} ms); load ${loadavg()[0].toFixed(1)}`,
    );
    if (wasmThreads() < 2)
      throw new Error("Run with TENSORFOLD_WASM_THREADS=2 (today's path needs the pool).");
    const backend = tf.backend() as unknown as HeapBackend;
    const offset = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t).byteOffset;
    /** 16-byte aligned scratch from tfjs's malloc; freed at the end. */
    const scratch: number[] = [];
    const alloc = (floats: number) => {
      const p = module._malloc(4 * floats + 16);
      scratch.push(p);
      return Math.ceil(p / 16) * 16;
    };

    const tensorsBefore = tf.memory().numTensors;
    const operands = await mlpOperands();
    const { x, w1, dy1 } = operands; // [128, 784], [784, 512], [128, 512]

    /** `op(a) [m, k] . b [k, n]` in place on tfjs's heap (m % 4 == 0, n % 8 == 0 here). */
    function inPlace(a: tf.Tensor, b: tf.Tensor, transposeA: boolean): tf.Tensor {
      const m = transposeA ? a.shape[1]! : a.shape[0]!;
      const k = transposeA ? a.shape[0]! : a.shape[1]!;
      const n = b.shape[1]!;
      const grid = tiles(m, n, pool!.threads);
      const panels = alloc(n * k);
      const lists = alloc(listWords(m, k));
      const rows = transposeA ? alloc(m * k) : 0;
      const out = backend.makeOutput([m, n], 'float32');
      // offsets after the last allocation (malloc may grow the heap)
      if (transposeA) mm.transpose(offset(a), rows, k, m);
      const aAt = transposeA ? rows : offset(a);
      mm.packPanels(offset(b), panels, k, n, 0);
      const listed = pairs.pairSteps(aAt, lists, m, k);
      const args = [aAt, panels, offset(out), m, k, n, grid.chunkRows, grid.chunkCols, 0, 0];
      if (16 * listed <= PAIR_LISTED_AT_MOST_SIXTEENTHS * (m / 2) * k && mm.allFinite(panels, n * k) !== 0) {
        pool!.run(1, 'pairChunk', grid.chunks, [...args, lists]);
      } else {
        pool!.run(0, 'matMulChunk', grid.chunks, [...args, 0]);
      }
      for (const p of scratch.splice(0)) module._free(p);
      return tf.engine().makeTensorFromTensorInfo(out);
    }

    const products: Array<[string, () => tf.Tensor, () => tf.Tensor]> = [
      ['forward x . W1', () => tf.matMul(x, w1), () => inPlace(x, w1, false)],
      ['dW1 x^T . dy1', () => tf.matMul(x, dy1, true, false), () => inPlace(x, dy1, true)],
    ];
    for (const [name, today, prototype] of products) {
      const [p, q] = [today(), prototype()];
      const [u, v] = [p.dataSync(), q.dataSync()];
      let differ = 0;
      for (let i = 0; i < u.length; i++) if (!Object.is(u[i], v[i])) differ++;
      console.log(`${name}: ${differ} of ${u.length} elements differ from today's path`);
      tf.dispose([p, q]);
    }
    console.log(
      '| product | today (copies): us a call | in place | today / in place, by round |\n|---|---|---|---|',
    );
    for (const [name, today, prototype] of products) {
      // us a call, per round; one untimed round, then the two sides in turn (runAlternating's rotation)
      const side = (run: () => tf.Tensor) => ({
        round: async (calls: number) => {
          const { wall } = await timedMs(() => {
            for (let c = 0; c < calls; c++) run().dispose();
          });
          return (wall * 1000) / calls;
        },
      });
      const result = await runAlternating([side(today), side(prototype)], { rounds, steps: CALLS });
      const [onToday, onPrototype] = result.rounds;
      const ratios = onToday.map((t, r) => t / onPrototype[r]);
      console.log(
        `| ${name} | ${medianAndQuartiles(onToday, 0)} | ${medianAndQuartiles(onPrototype, 0)} | ${medianAndQuartiles(ratios, 3)} |`,
      );
    }
    operands.dispose();
    console.log(
      `tensors left: ${tf.memory().numTensors - tensorsBefore}; load now ${loadavg()[0].toFixed(1)}`,
    );
  } finally {
    cleanup();
    await pool.close();
  }
}

await main();
process.exit(0);
