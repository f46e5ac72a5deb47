/**
 * The code each worker of the thread pool runs (as a string, so that it needs no file of its own
 * beside the bundle: Node's `worker_threads` evaluates it; see pool.ts for the protocol).
 *
 * The control block is an Int32Array over a SharedArrayBuffer:
 * - `[0]` WAKE: bumped by the main thread for every job; workers sleep on it with `Atomics.wait`;
 * - `[1]` JOB: `seq << 8 | nextChunk`; a thread claims a chunk by a compare-exchange that bumps it;
 * - `[2]` DONE: chunks finished in the current job; the thread that finishes the last notifies it;
 * - `[3]` STOP: 1 asks the workers to leave;
 * - `[4]` FAILED: set to 1 by a worker whose call threw (a trap); the chunk still counts as done, and
 *   the main thread throws once the job ends;
 * - `[5]` LOST: set to 1 where a worker stopped for good (its serving loop threw, or, in Node, the
 *   watchdog saw its thread end while STOP was 0); `1 << 30` is then or-ed into DONE and DONE
 *   notified, which ends the main thread's wait whatever the job's count;
 * - `[8 + 16 * (seq & 1)]` the job's parameters: chunk count, function index, then up to 12 i32
 *   arguments (two blocks, so that the main thread writes job seq + 1 while a late worker may still
 *   read job seq; a worker's claim succeeds only while JOB still holds the seq it read them under).
 */

/** The body shared by every worker: `claim` is the loop the main thread also runs. */
export const CLAIM_LOOP = `
function claim(ctl, fns) {
  for (;;) {
    const v = Atomics.load(ctl, 1);
    const seq = v >>> 8;
    const chunk = v & 255;
    const base = 8 + 16 * (seq & 1);
    const chunks = ctl[base];
    if (chunk >= chunks) return;
    const fn = fns[ctl[base + 1]];
    const p = ctl.subarray(base + 2, base + 14);
    const a0 = p[0], a1 = p[1], a2 = p[2], a3 = p[3], a4 = p[4], a5 = p[5];
    const a6 = p[6], a7 = p[7], a8 = p[8], a9 = p[9], a10 = p[10], a11 = p[11];
    if (Atomics.compareExchange(ctl, 1, v, v + 1) !== v) continue;
    try {
      fn(chunk, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
    } catch {
      Atomics.store(ctl, 4, 1);
    }
    if (Atomics.add(ctl, 2, 1) + 1 === chunks) Atomics.notify(ctl, 2);
  }
}`;

/** Flags this worker lost (see LOST above) and wakes the main thread. */
const LOST = `
function lost(ctl) {
  Atomics.store(ctl, 5, 1);
  Atomics.or(ctl, 2, 1 << 30);
  Atomics.notify(ctl, 2);
}`;

/**
 * The loop that serves jobs once the modules are instantiated (`ctl`, `fns` in scope); an error that
 * escapes it (none is expected: the claim loop catches its calls') flags the worker lost first.
 */
const SERVE = `
try {
  let seen = Atomics.load(ctl, 0);
  while (Atomics.load(ctl, 3) === 0) {
    Atomics.wait(ctl, 0, seen);
    seen = Atomics.load(ctl, 0);
    if (Atomics.load(ctl, 3) !== 0) break;
    claim(ctl, fns);
  }
} catch (error) {
  lost(ctl);
  throw error;
}`;

/**
 * Node's watchdog (see spawn-workers.ts): flags a worker lost when its thread ends (its port closes)
 * while the pool is not stopping.
 */
export const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
${LOST}
const ctl = new Int32Array(workerData.control);
for (const port of workerData.ports) {
  port.on('message', () => {}); // keeps the port, and so this thread, listening
  port.once('close', () => {
    if (Atomics.load(ctl, 3) === 0) lost(ctl);
  });
}`;

/**
 * Node's worker: instantiates the modules on the shared memory (function index: module * names +
 * name), says it is ready, then serves jobs; `watch` is its end of the watchdog's channel.
 */
export const NODE_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
${CLAIM_LOOP}
${LOST}
const { modules, memory, control, names, watch } = workerData;
const ctl = new Int32Array(control);
const fns = modules.flatMap((module) => {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  return names.map((name) => exports[name]);
});
parentPort.postMessage('ready');
${SERVE}
watch.close();
parentPort.close();
`;

/** A Web Worker (a cross-origin isolated page): the same, with its data in its first message. */
export const BROWSER_WORKER_SOURCE = `
${CLAIM_LOOP}
${LOST}
self.onmessage = (event) => {
  self.onmessage = null;
  const { modules, memory, control, names } = event.data;
  const ctl = new Int32Array(control);
  const fns = modules.flatMap((module) => {
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
    return names.map((name) => exports[name]);
  });
  self.postMessage('ready');
  ${SERVE}
  self.close();
};
`;
