/**
 * Issue 22, lever A's feasibility: does tfjs-backend-wasm's threaded SIMD build load in Node, is its
 * heap a shared WebAssembly.Memory that tensorfold's pool could compute on, what does it start
 * (emscripten's pthread workers, XNNPACK's threads), does its memory grow with workers holding it,
 * and do the kernels tensorfold relies on give the same values as the one-thread SIMD build.
 *
 * tfjs-backend-wasm never picks this build in Node (`WASM_HAS_MULTITHREAD_SUPPORT` is false there,
 * and its loader hands emscripten a Blob URL for the pthread worker, which Node's worker_threads
 * cannot start), so this probe calls the build's emscripten factory itself: the worker's source
 * (shipped as a string) is written to a temporary file, and the factory's main script is given as a
 * path, which the Node worker reads with `importScripts` (fs). It then registers a `BackendWasm` on
 * that module under the name `wasm`, so that tensorfold's own start path runs on it.
 *
 * `pnpm --filter @tensorfold/bench shared-heap-probe [tfjsThreads]` (default 1: XNNPACK on one thread)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { poolInternals } from '@tensorfold/backend/testing';
import { tf } from '@tensorfold/core';
import { useBackend } from './backends.js';
import { loadThreaded, useThreadedBuild } from './tfjs-threaded-build.js';

/** Threads of this process (Linux: /proc/self/task), with their names. */
function threadNames(): string[] {
  try {
    return readdirSync('/proc/self/task').map((t) =>
      readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim(),
    );
  } catch {
    return [];
  }
}

function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

const { matMulWasm, simdKernels } = poolInternals;

async function main() {
  const tfjsThreads = Number(process.argv[2] ?? '1');
  const before = threadNames();
  const rss0 = rssMiB();
  console.log(
    `node ${process.version}; threads before: ${before.length} (${before.join(', ')}); rss ${rss0.toFixed(0)} MiB`,
  );
  const { module, ms, cleanup } = await loadThreaded();
  // the worker file goes whatever happens below
  try {
    const memory = module.wasmMemory;
    console.log(
      `threaded SIMD build loaded in ${ms.toFixed(0)} ms; memory shared: ${memory.buffer instanceof SharedArrayBuffer}, ` +
        `${memory.buffer.byteLength / 2 ** 20} MiB; pthread workers unused ${module.PThread.unusedWorkers.length}, ` +
        `running ${module.PThread.runningWorkers.length}`,
    );
    await new Promise((r) => setTimeout(r, 300)); // let the workers come up
    const after = threadNames();
    console.log(
      `threads after load: ${after.length} (+${after.length - before.length}); rss ${rssMiB().toFixed(0)} MiB (+${(rssMiB() - rss0).toFixed(0)})`,
    );

    await useThreadedBuild(module, tfjsThreads);
    console.log(`tensorfold: ${await useBackend('wasm')}`);
    const backend = tf.backend() as unknown as { wasm: { asm?: { memory?: unknown } } };
    console.log(
      `tensorfold's one-thread SIMD kernels on this heap: ${simdKernels(tf.backend() as never) == null ? 'off (shared memory refused)' : 'on'}`,
    );
    try {
      new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(matMulWasm.SIMD_WASM_BASE64, 'base64')), {
        env: { memory },
      });
      console.log("threaded-mat-mul.wat links to tfjs's memory");
    } catch (error) {
      console.log(`threaded-mat-mul.wat on tfjs's memory: ${(error as Error).message}`);
    }
    console.log(
      `tfjs getThreadsCount ${(module.tfjs!.getThreadsCount as () => number)()}; backend.wasm.asm.memory ` +
        `${backend.wasm.asm?.memory == null ? 'absent (imported, not exported)' : 'present'}`,
    );
    const afterInit = threadNames();
    console.log(
      `threads after backend init: ${afterInit.length}; pthread workers unused ${module.PThread.unusedWorkers.length}, running ${module.PThread.runningWorkers.length}`,
    );

    // kernels tensorfold relies on, against the CPU backend's values
    const tensorsBefore = tf.memory().numTensors;
    const x = tf.randomUniform([128, 784], 0, 1, 'float32', 1);
    const w = tf.randomUniform([784, 512], -0.1, 0.1, 'float32', 2);
    const filter = tf.randomUniform([3, 3, 1, 8], -0.3, 0.3, 'float32', 3);
    const image = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 4);
    const cases: Array<[string, () => tf.Tensor]> = [
      ['matMul', () => tf.matMul(x, w)],
      ['fused matMul relu', () => tf.fused.matMul({ a: x, b: w, activation: 'relu' })],
      ['matMul transposeA', () => tf.matMul(x, tf.matMul(x, w), true, false)],
      ['conv2d', () => tf.conv2d(image as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same')],
      ['softmax', () => tf.softmax(tf.matMul(x, w))],
      ['sum', () => tf.sum(x, 0)],
    ];
    // each case's values (its tensors disposed: tidy)
    const valuesOf = (f: () => tf.Tensor) => tf.tidy(() => f().dataSync().slice());
    const got = cases.map(([, f]) => valuesOf(f));
    const heapF32 = new Float32Array(memory.buffer);
    console.log(
      `after kernels: memory ${memory.buffer.byteLength / 2 ** 20} MiB, view length ${heapF32.length}`,
    );
    // memory growth with the workers holding it: allocate 256 MiB through tfjs, read it back
    const big = tf.tidy(() => tf.add(tf.fill([64 * 2 ** 20], 1.5), 1)); // 512 MiB in all, both on the heap at once
    const values = big.dataSync();
    console.log(
      `grown: memory ${memory.buffer.byteLength / 2 ** 20} MiB (still shared: ${memory.buffer instanceof SharedArrayBuffer}); ` +
        `64 Mi values of 1.5 + 1: first ${values[0]}, last ${values[values.length - 1]}; ` +
        `pthread workers running ${module.PThread.runningWorkers.length}`,
    );
    big.dispose();
    await tf.setBackend('cpu');
    cases.forEach(([name, f], i) => {
      const want = valuesOf(f);
      let worst = 0;
      for (let j = 0; j < want.length; j++)
        worst = Math.max(worst, Math.abs(want[j] - got[i][j]) / (1e-3 + Math.abs(want[j])));
      console.log(`${name}: worst relative difference from cpu ${worst.toExponential(2)}`);
    });
    tf.dispose([x, w, filter, image]);
    console.log(`tensors left: ${tf.memory().numTensors - tensorsBefore}`);
  } finally {
    cleanup();
  }
}

await main();
process.exit(0);
