/**
 * `pnpm --filter @tensorfold/bench step-gap [mlp|lenet5] [steps] [mnist|random] [--one-batch] [--twice] [--alloc] [--no-row-lists] [--all-calls]`
 *
 * Where the gap between the sum of each kernel call's fastest time and the real step goes (issue 22,
 * branch wip/step-gap). Trains the suite's network (MLP 784-512-256-10 at batch 128, or LeNet-5 at 64,
 * Adam 1e-3) with `trainOnBatch` on the bench's data (MNIST: the suite's cycle of 16 batches; `--one-batch`:
 * the first batch only, as `profile --mnist` does) and, for each step, records:
 *
 * - each kernel call's time (a wrapper around every WASM kernel's `kernelFunc`, outermost calls; call k of
 *   every step counted as the same call), so that each call's fastest and median time can be set side by side;
 * - the time in `Engine.runKernel` (outermost) and the step's wall time;
 * - the process's minor and major page faults over the step (`process.resourceUsage()`);
 * - the garbage collector's pauses that began inside the step (`PerformanceObserver` on `gc`);
 * - the main thread's time on a CPU and waiting for one (schedstat), and the split again over the steps with
 *   no wait (no other process took the core);
 * - `--twice`: each product run again at once, timed apart (its operands in cache), its output freed; the
 *   repeats' time is printed on its own (`--twice repeats`) and kept out of `runKernel less bodies` (the step's
 *   wall time still holds it: with --twice read the per-call table, not the step);
 * - `--alloc`: the time in tfjs-backend-wasm's `move` and `disposeData` and emscripten's `_malloc`/`_free`;
 * - `--no-row-lists`: the one-thread products keep the pairs' lists (`setFloatRowListsEnabled(false)`), to
 *   set a run beside one with the rows (separate processes: no switching inside a run);
 * - `--all-calls`: the per-call table lists every call of the step, not only those above 0.02 ms.
 *
 * Prints: how many products a step walked the rows' lists (row-steps.wat; of them row-wide.wat's 32
 * columns a step), the step (median, quartiles), the sum of the calls' fastest times, of their medians, the time
 * in runKernel less bodies, outside runKernel, page faults and GC per step, and the calls whose median
 * exceeds their fastest the most, and the tensors left over the measured steps (0 unless a step leaks).
 * Thread count: `TENSORFOLD_WASM_THREADS=1` (or 2).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { floatRowWalks, floatWideRowWalks, setFloatRowListsEnabled } from '@tensorfold/backend/testing';
import { type Sequential, tf } from '@tensorfold/core';
import { adam, categoricalCrossentropy } from '@tensorfold/optim';
import { useBackend } from './backends.js';
import { mainThreadSched } from './main-thread-sched.js';
import { lenet5Network, mlpNetwork } from './networks.js';
import { timeOutermostRunKernel } from './run-kernel-timing.js';
import { medianAndQuartiles, medianOf } from './steadiness.js';
import { batchAt, type DataKind, disposeBatches, trainingBatches } from './training-data.js';

type Fn = (...args: unknown[]) => unknown;

/** The kernels `--twice` runs a second time right after the first (timed apart, output freed). */
const PRODUCTS = ['_FusedMatMul', 'BatchMatMul'];

const INPUT = {
  mlp: { batch: 128, inputShape: [784] },
  lenet5: { batch: 64, inputShape: [28, 28, 1] },
} as const;

async function main() {
  const args = process.argv.slice(2);
  const oneBatch = args.includes('--one-batch');
  const twice = args.includes('--twice');
  if (args.includes('--no-row-lists')) setFloatRowListsEnabled(false);
  const [network = 'mlp', stepsArg = '300', kindArg = 'mnist'] = args.filter((a) => !a.startsWith('--'));
  if (network !== 'mlp' && network !== 'lenet5')
    throw new Error(`Unknown network ${network}: mlp or lenet5.`);
  if (kindArg !== 'mnist' && kindArg !== 'random')
    throw new Error(`Unknown data ${kindArg}: mnist or random.`);
  const steps = Number(stepsArg);
  console.log(
    `backend: ${await useBackend('wasm')}; ${network}, ${steps} steps, ${kindArg}${oneBatch ? ', one batch' : ''}`,
  );
  const { batch, inputShape } = INPUT[network];
  const model: Sequential = network === 'mlp' ? mlpNetwork() : lenet5Network();
  const optimizer = adam({ learningRate: 1e-3 });
  model.compile({ optimizer, loss: categoricalCrossentropy() });
  const { data, remove } = await trainingBatches(kindArg as DataKind, batch, [...inputShape]);
  const restore: Array<() => void> = [];
  const gcs: Array<{ start: number; ms: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, ms: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    for (let i = 0; i < 20; i++) {
      const { x, y } = batchAt(data, oneBatch ? 0 : i);
      await model.trainOnBatch(x, y);
    }
    let inRun = 0;
    let bodyDepth = 0;
    let callIndex = 0;
    let stepCalls: number[] = [];
    let againCalls: number[] = [];
    // --twice: the repeats' time in this step (inside runKernel, outside the bodies' times)
    let againMs = 0;
    const againPerCall: number[][] = [];
    const names: string[] = [];
    restore.push(
      timeOutermostRunKernel((ms) => {
        inRun += ms;
      }),
    );
    for (const kernel of tf.getKernelsForBackend('wasm')) {
      const config = kernel as { kernelFunc: Fn; kernelName: string };
      const body = config.kernelFunc;
      config.kernelFunc = (...a: unknown[]) => {
        if (bodyDepth++ > 0) {
          try {
            return body(...a);
          } finally {
            bodyDepth--;
          }
        }
        const k = callIndex++;
        names[k] ??= config.kernelName;
        const t = performance.now();
        let out: unknown;
        try {
          out = body(...a);
          return out;
        } finally {
          stepCalls[k] = performance.now() - t;
          if (twice && PRODUCTS.includes(config.kernelName)) {
            // the same call again at once, its operands now in cache; its output freed
            const t2 = performance.now();
            const again = body(...a) as { dataId: object } | Array<{ dataId: object }>;
            againCalls[k] = performance.now() - t2;
            againMs += againCalls[k];
            for (const info of Array.isArray(again) ? again : [again]) tf.backend().disposeData(info.dataId);
          }
          bodyDepth--;
        }
      };
      restore.push(() => {
        config.kernelFunc = body;
      });
    }

    // --alloc: time the backend's buffer allocation and release (tfjs-backend-wasm's move and disposeData, and
    // emscripten's _malloc and _free inside them)
    const alloc = { move: 0, dispose: 0, malloc: 0, free: 0, mallocs: 0, frees: 0, mallocMax: 0 };
    if (args.includes('--alloc')) {
      const backend = tf.backend() as unknown as Record<string, Fn> & { wasm: Record<string, Fn> };
      const timeOn = (owner: Record<string, Fn>, name: string, add: (ms: number) => void) => {
        const original = owner[name];
        owner[name] = function (this: unknown, ...a: unknown[]) {
          const t = performance.now();
          try {
            return original.apply(this, a);
          } finally {
            add(performance.now() - t);
          }
        };
        restore.push(() => {
          owner[name] = original;
        });
      };
      timeOn(backend, 'move', (ms) => {
        alloc.move += ms;
      });
      timeOn(backend, 'disposeData', (ms) => {
        alloc.dispose += ms;
      });
      timeOn(backend.wasm, '_malloc', (ms) => {
        alloc.malloc += ms;
        alloc.mallocs++;
        alloc.mallocMax = Math.max(alloc.mallocMax, ms);
      });
      timeOn(backend.wasm, '_free', (ms) => {
        alloc.free += ms;
        alloc.frees++;
      });
    }
    const perCall: number[][] = [];
    const series: Record<string, number[]> = {};
    const push = (label: string, v: number) => {
      series[label] ??= [];
      series[label].push(v);
    };
    const stepSpans: Array<[number, number]> = [];
    const tensorsBefore = tf.memory().numTensors;
    const [rowWalksBefore, wideWalksBefore] = [floatRowWalks(), floatWideRowWalks()];
    for (let i = 0; i < steps; i++) {
      const { x, y } = batchAt(data, oneBatch ? 0 : i);
      inRun = 0;
      callIndex = 0;
      stepCalls = [];
      for (const key of Object.keys(alloc)) alloc[key as keyof typeof alloc] = 0;
      againCalls = [];
      againMs = 0;
      const usage = process.resourceUsage();
      const sched = mainThreadSched();
      const t = performance.now();
      await model.trainOnBatch(x, y);
      const end = performance.now();
      const after = process.resourceUsage();
      const schedAfter = mainThreadSched();
      push('main thread on CPU ms', schedAfter.run - sched.run);
      push('main thread waiting for a CPU ms', schedAfter.wait - sched.wait);
      stepSpans.push([t, end]);
      const bodies = stepCalls.reduce((s, v) => s + v, 0);
      push('step', end - t);
      push('kernel bodies', bodies);
      if (args.includes('--alloc')) {
        push('alloc: backend.move (buffer made), ms', alloc.move);
        push('alloc: backend.disposeData, ms', alloc.dispose);
        push('alloc: _malloc, ms', alloc.malloc);
        push('alloc: _free, ms', alloc.free);
        push('alloc: _malloc calls', alloc.mallocs);
        push('alloc: _free calls', alloc.frees);
        push('alloc: slowest _malloc, ms', alloc.mallocMax);
      }
      if (twice) push('--twice repeats', againMs);
      push('runKernel less bodies', inRun - bodies - againMs);
      push('outside runKernel', end - t - inRun);
      push('minor page faults', after.minorPageFault - usage.minorPageFault);
      push('major page faults', after.majorPageFault - usage.majorPageFault);
      push(
        'involuntary context switches',
        after.involuntaryContextSwitches - usage.involuntaryContextSwitches,
      );
      push(
        'user+system CPU ms',
        (after.userCPUTime + after.systemCPUTime - usage.userCPUTime - usage.systemCPUTime) / 1000,
      );
      push('system CPU ms', (after.systemCPUTime - usage.systemCPUTime) / 1000);
      for (const [k, v] of againCalls.entries()) {
        if (v == null) continue;
        againPerCall[k] ??= [];
        againPerCall[k].push(v);
      }
      for (const [k, v] of stepCalls.entries()) {
        perCall[k] ??= [];
        perCall[k].push(v);
      }
    }
    const tensorsLeft = tf.memory().numTensors - tensorsBefore;
    const [rowWalks, wideWalks] = [floatRowWalks() - rowWalksBefore, floatWideRowWalks() - wideWalksBefore];
    await new Promise((r) => setTimeout(r, 50));
    const gcPerStep = stepSpans.map(([a, b]) =>
      gcs.filter((g) => g.start >= a && g.start < b).reduce((s, g) => s + g.ms, 0),
    );
    const gcCount = stepSpans.map(([a, b]) => gcs.filter((g) => g.start >= a && g.start < b).length);
    console.log(
      `tensors left over the ${steps} steps: ${tensorsLeft}${tensorsLeft === 0 ? '' : ' (a leak)'}`,
    );
    console.log(
      `products that walked the rows' lists: ${(rowWalks / steps).toFixed(2)} a step ` +
        `(32 columns a step: ${(wideWalks / steps).toFixed(2)})`,
    );
    console.log(`ms per step (counts per step), median [q1, q3] of ${steps} steps:`);
    for (const [label, values] of Object.entries(series))
      console.log(`  ${label}: ${medianAndQuartiles(values, 3)}`);
    // the steps the main thread ran through without waiting for a CPU (no other process took its core)
    const waits = series['main thread waiting for a CPU ms'];
    const clean = waits.map((w, i) => (w < 0.005 ? i : -1)).filter((i) => i >= 0);
    if (clean.length > 10) {
      const pick = (v: number[]) => clean.map((i) => v[i]);
      console.log(`the ${clean.length} steps with no wait for a CPU (main thread), median [q1, q3]:`);
      for (const label of ['step', 'kernel bodies', 'runKernel less bodies', 'outside runKernel'])
        console.log(`  ${label}: ${medianAndQuartiles(pick(series[label]), 3)}`);
      const cleanMeds = perCall.map((v) => medianOf(pick(v)));
      const cleanMins = perCall.map((v) => Math.min(...pick(v)));
      const total = (v: number[]) => v.reduce((a, b) => a + b, 0).toFixed(3);
      console.log(`  kernel calls: sum of fastest ${total(cleanMins)} ms, of medians ${total(cleanMeds)}`);
    }
    console.log(
      `  GC ms: mean ${(gcPerStep.reduce((s, v) => s + v, 0) / steps).toFixed(3)}, pauses per step ${(gcCount.reduce((s, v) => s + v, 0) / steps).toFixed(2)}`,
    );
    const mins = perCall.map((v) => Math.min(...v));
    const meds = perCall.map((v) => medianOf(v));
    const means = perCall.map((v) => v.reduce((s, x) => s + x, 0) / v.length);
    const sum = (v: number[]) => v.reduce((s, x) => s + x, 0).toFixed(3);
    console.log(
      `kernel calls per step: ${perCall.length}; sum of fastest ${sum(mins)} ms, of medians ${sum(meds)}, of means ${sum(means)}`,
    );
    // each call's fastest within each batch of the cycle, averaged over the batches (data-dependent skips)
    const cycle = oneBatch ? 1 : data.xs.length;
    const perBatchMin = perCall.map((v) => {
      const byBatch = Array.from({ length: cycle }, (_, b) =>
        Math.min(...v.filter((_, i) => i % cycle === b)),
      );
      return byBatch.reduce((s, x) => s + x, 0) / cycle;
    });
    const perBatchMed = perCall.map((v) => {
      const byBatch = Array.from({ length: cycle }, (_, b) => medianOf(v.filter((_, i) => i % cycle === b)));
      return byBatch.reduce((s, x) => s + x, 0) / cycle;
    });
    console.log(
      `sum of each call's fastest within its batch, averaged over the ${cycle} batches: ${sum(perBatchMin)} ms; of medians within batch ${sum(perBatchMed)}`,
    );
    console.log('| call | kernel | fastest | median | q3 | median - fastest |\n|---|---|---|---|---|---|');
    const rows = perCall.map((v, k) => ({
      k,
      name: names[k],
      min: mins[k],
      med: meds[k],
      q3: [...v].sort((a, b) => a - b)[Math.floor(v.length * 0.75)],
    }));
    for (const r of rows.filter((r) => r.med > (args.includes('--all-calls') ? 0 : 0.02)))
      console.log(
        `| ${r.k} | ${r.name} | ${r.min.toFixed(3)} | ${r.med.toFixed(3)} | ${r.q3.toFixed(3)} | ${(r.med - r.min).toFixed(3)} |`,
      );
    if (twice) {
      console.log(
        '--twice: the same product again at once | call | kernel | first: fastest, median | again: fastest, median |',
      );
      for (const [k, v] of againPerCall.entries())
        if (v != null && meds[k] > 0.1)
          console.log(
            `| ${k} | ${names[k]} | ${mins[k].toFixed(3)}, ${meds[k].toFixed(3)} | ${Math.min(...v).toFixed(3)}, ${medianOf(v).toFixed(3)} |`,
          );
    }
    const small = rows.filter((r) => r.med <= 0.02);
    console.log(
      `${small.length} small calls: fastest ${sum(small.map((r) => r.min))}, median ${sum(small.map((r) => r.med))}`,
    );
  } finally {
    observer.disconnect();
    for (const undo of restore.reverse()) undo();
    model.dispose();
    optimizer.dispose();
    disposeBatches(data);
    remove();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
