/**
 * The int8 kernel build A/Bs' shared tail (int8-gemm-build-ab, int8-direct-build-ab): the control
 * words that start and end a second thread's chunks, and the rounds that time each variant as the
 * least of 5 calls.
 */
import { roundOrder } from './alternating-rounds.js';

/**
 * Starts the worker on build `which`: `ctl[2]` the build, `ctl[1]` (done) cleared, `ctl[0]` bumped and
 * notified (the worker waits on it, a negative value ends it).
 */
export function startWorker(ctl: Int32Array, which: number): void {
  ctl[2] = which;
  Atomics.store(ctl, 1, 0);
  Atomics.add(ctl, 0, 1);
  Atomics.notify(ctl, 0);
}

/** Waits until the worker has added 1 to `ctl[1]` (its chunks done). */
export function awaitWorker(ctl: Int32Array): void {
  while (Atomics.load(ctl, 1) === 0) Atomics.wait(ctl, 1, 0);
}

/** Ends the worker's loop (`ctl[0]` set to -1) and the worker. */
export async function stopWorker(ctl: Int32Array, worker: { terminate(): Promise<number> }): Promise<void> {
  Atomics.store(ctl, 0, -1);
  Atomics.notify(ctl, 0);
  await worker.terminate();
}

/**
 * `rounds` + 1 rounds of `count` variants (round r starting at variant r). Round 0 is untimed: `clear`
 * (the outputs zeroed) before each variant, then its outputs kept (`first`). Later rounds: each
 * variant's least wall ms of 5 calls (`times`) and its CPU ms a call (`cpu`).
 */
export function leastOfFiveRounds(
  count: number,
  rounds: number,
  run: (v: number) => void,
  clear: () => void,
  outputs: (v: number) => Uint8Array[],
): { times: number[][]; cpu: number[][]; first: Uint8Array[][] } {
  const times = Array.from({ length: count }, () => [] as number[]);
  const cpu = Array.from({ length: count }, () => [] as number[]);
  const first: Uint8Array[][] = [];
  for (let r = 0; r < rounds + 1; r++)
    for (const v of roundOrder(count, r)) {
      // the first round's outputs are each build's own: out cleared before it
      if (r === 0) clear();
      let best = Number.POSITIVE_INFINITY;
      const usage = process.cpuUsage();
      for (let c = 0; c < 5; c++) {
        const start = performance.now();
        run(v);
        best = Math.min(best, performance.now() - start);
      }
      const used = process.cpuUsage(usage);
      if (r === 0) first[v] = outputs(v);
      else {
        times[v].push(best);
        cpu[v].push((used.user + used.system) / 5000);
      }
    }
  return { times, cpu, first };
}
