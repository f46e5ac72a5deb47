/**
 * Where a step's time goes, for the profile scripts (profile-training.ts, profile-dcgan.ts): each
 * kernel call's fastest time over several profiled steps (`tf.profile`; the machines we run on are
 * shared, so the minimum is the kernel's own cost, the rest is other processes), and its totals per
 * kernel and per call shape.
 */
import { tf } from '@tensorfold/core';

/** One kernel call of a step (the k-th of every step): its kernel and input shapes, and its fastest time. */
export interface KernelCall {
  /** `<kernel name> <input shapes as JSON>`. */
  key: string;
  ms: number;
}

/**
 * Runs `step` `steps` times under `tf.profile`; returns each kernel call's fastest time (call k of
 * every step counted as the same call) and each profiled step's wall milliseconds.
 */
export async function profileFastest(
  step: () => Promise<void>,
  steps: number,
): Promise<{ fastest: KernelCall[]; profiledMs: number[] }> {
  const fastest: KernelCall[] = [];
  const profiledMs: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    const info = await tf.profile(step);
    profiledMs.push(performance.now() - start);
    for (const [k, kernel] of info.kernels.entries()) {
      const ms = (await kernel.kernelTimeMs) as number;
      const key = `${kernel.name} ${JSON.stringify(kernel.inputShapes)}`;
      if (fastest[k] == null) fastest[k] = { key, ms };
      else fastest[k].ms = Math.min(fastest[k].ms, ms);
    }
  }
  return { fastest, profiledMs };
}

/**
 * Prints the sum of `fastest`'s times ("over N `calls`"), then two tables, heaviest first, `rows` rows
 * each: the milliseconds and calls per step of each kernel, and of each kernel call with its input
 * shapes. `digits`: decimals of the sum, the kernels' and the calls' milliseconds.
 */
export function printKernelTotals(
  fastest: KernelCall[],
  options: { rows: number; digits: { total: number; kernel: number; call: number }; calls: string },
): void {
  const { rows, digits } = options;
  const total = fastest.reduce((sum, k) => sum + k.ms, 0);
  console.log(
    `sum of each kernel call's fastest time: ${total.toFixed(digits.total)} ms over ${fastest.length} ${options.calls}\n`,
  );
  const byName = new Map<string, { ms: number; calls: number }>();
  const byCall = new Map<string, { ms: number; calls: number }>();
  for (const k of fastest) {
    for (const [map, key] of [
      [byName, k.key.split(' ')[0]],
      [byCall, k.key],
    ] as const) {
      const entry = map.get(key) ?? { ms: 0, calls: 0 };
      entry.ms += k.ms;
      entry.calls++;
      map.set(key, entry);
    }
  }
  console.log('| kernel | ms per step | calls |\n|---|---|---|');
  for (const [name, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, rows))
    console.log(`| ${name} | ${e.ms.toFixed(digits.kernel)} | ${e.calls} |`);
  console.log('\n| kernel call (input shapes) | ms per step | calls |\n|---|---|---|');
  for (const [key, e] of [...byCall].sort((a, b) => b[1].ms - a[1].ms).slice(0, rows))
    console.log(`| ${key} | ${e.ms.toFixed(digits.call)} | ${e.calls} |`);
}
