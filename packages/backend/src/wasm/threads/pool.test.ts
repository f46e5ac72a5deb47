import { afterAll, describe, expect, it } from 'vitest';
import { SIMD_WASM_BASE64 } from '../simd/generated/threaded-mat-mul-wasm.js';
import { MAX_CHUNKS, ThreadPool } from './pool.js';
import type { ThreadedMatMulKernels } from './wasm-threads.js';

const module = new WebAssembly.Module(Uint8Array.from(atob(SIMD_WASM_BASE64), (c) => c.charCodeAt(0)));
const pools: ThreadPool<ThreadedMatMulKernels>[] = [];

async function start(threads: number) {
  const pool = await ThreadPool.start<ThreadedMatMulKernels>(threads, [module], 64, ['matMulChunk']);
  if (pool != null) pools.push(pool);
  return pool;
}

/** out[16, 8] = a[16, k] . B[k, 8] on the pool, with a = 1 and B's column j = j: out[i, j] = k * j. */
function product(pool: ThreadPool<ThreadedMatMulKernels>, k: number, chunks: number): Float32Array {
  const heap = new Float32Array(pool.memory.buffer);
  const [A, P, OUT] = [0, 16 * k, 24 * k];
  heap.fill(1, A, A + 16 * k);
  for (let p = 0; p < k; p++) for (let j = 0; j < 8; j++) heap[P + p * 8 + j] = j;
  pool.run(0, 'matMulChunk', chunks, [A * 4, P * 4, OUT * 4, 16, k, 8, 16 / chunks, 8, 0, 0]);
  return heap.slice(OUT, OUT + 16 * 8);
}

describe('ThreadPool', () => {
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });

  it('does not start for fewer than 2 threads', async () => {
    expect(await start(1)).toBeNull();
  });

  it('runs every chunk once, whichever thread claims it, job after job', async () => {
    const pool = (await start(3))!;
    expect(pool.threads).toBe(3);
    for (let job = 0; job < 200; job++) {
      const chunks = [1, 2, 4][job % 3];
      const out = product(pool, 5 + (job % 7), chunks);
      const k = 5 + (job % 7);
      expect(Array.from(out)).toEqual(Array.from({ length: 128 }, (_, e) => k * (e % 8)));
    }
  });

  it('throws where a call traps, on this thread or a worker, and keeps working', async () => {
    const pool = (await start(2))!;
    // a pointer past the end of memory: every chunk traps
    const bad = [2 ** 30, 0, 0, 16, 4, 8, 4, 8, 0, 0];
    expect(() => pool.run(0, 'matMulChunk', 4, bad)).toThrow();
    expect(Array.from(product(pool, 3, 4))).toEqual(Array.from({ length: 128 }, (_, e) => 3 * (e % 8)));
  });

  it('refuses more chunks than it can count, and runs nothing after close', async () => {
    const pool = (await start(2))!;
    expect(() => pool.run(0, 'matMulChunk', MAX_CHUNKS + 1, [])).toThrow(/at most/);
    await pool.close();
    expect(() => pool.run(0, 'matMulChunk', 1, [])).toThrow(/closed/);
  });
});
