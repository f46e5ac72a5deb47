/**
 * Same-run A/B timing of one computation on tensorfold's WASM kernels and on the stock
 * tfjs-backend-wasm kernels: the two alternate in rounds (kernels swapped each round, round 0 warms
 * up) and each reports its median time, so that load from other processes on a shared machine hits
 * both alike.
 */
import { registerWasmKernels, unregisterWasmKernels } from '@tensorfold/backend';
import {
  setDirectConvEnabled,
  setFmaKernelsEnabled,
  setSimdKernelsEnabled,
  setThreadedKernelsEnabled,
} from '@tensorfold/backend/testing';
import type { tf } from '@tensorfold/core';
import { runAlternating } from './alternating-rounds.js';
import { medianOf as median } from './steadiness.js';

/** Median milliseconds per run on each side; `stock` is null when the stock kernels cannot run it. */
export interface KernelTiming {
  ours: number;
  stock: number | null;
}

/**
 * Times `compute` (which returns a tensor, then disposed) `perRound` times per side per round. With
 * `swap` false (backends other than WASM) both sides run the same kernels. `readBack` (default true)
 * waits for the result with `data()`; WASM kernels run synchronously, so a WASM-only suite can skip
 * the copy out of the WASM heap, which would otherwise dominate cheap kernels.
 */
export async function timeAgainstStock(
  compute: () => tf.Tensor,
  options: { swap: boolean; rounds: number; perRound: number; readBack?: boolean },
): Promise<KernelTiming> {
  const use = (stock: boolean) => () => {
    if (!options.swap) return;
    if (stock) unregisterWasmKernels();
    else registerWasmKernels();
  };
  try {
    const times = await alternate(compute, { stock: use(true), ours: use(false) }, options);
    return { ours: times.ours!, stock: times.stock };
  } finally {
    registerWasmKernels();
  }
}

/**
 * Same-run A/B of one switch of tensorfold's kernels: on (`ours`) against off (`stock`), in rounds as
 * {@link timeAgainstStock} (off, then on, in every round: not rotated); the switch is left on
 * afterwards, also when a round throws.
 */
async function timeWithSwitch(
  compute: () => tf.Tensor,
  setEnabled: (on: boolean) => unknown,
  options: { rounds: number; perRound: number; readBack?: boolean },
): Promise<KernelTiming> {
  try {
    const times = await alternate(
      compute,
      { stock: () => setEnabled(false), ours: () => setEnabled(true) },
      options,
    );
    return { ours: times.ours!, stock: times.stock };
  } finally {
    setEnabled(true);
  }
}

/**
 * Same-run A/B of tensorfold's WASM kernels with their SIMD kernels on (`ours`) and off (`stock`:
 * the JavaScript and XNNPACK paths they replace), as {@link timeAgainstStock}.
 */
export async function timeAgainstNoSimd(
  compute: () => tf.Tensor,
  options: { rounds: number; perRound: number; readBack?: boolean },
): Promise<KernelTiming> {
  return timeWithSwitch(compute, setSimdKernelsEnabled, options);
}

/**
 * Same-run A/B of tensorfold's SIMD kernels in their relaxed-SIMD FMA build (`ours`) and their plain
 * SIMD build (`stock`), as {@link timeAgainstStock}. Both sides run the SIMD build where the runtime
 * has no relaxed SIMD.
 */
export async function timeAgainstNoFma(
  compute: () => tf.Tensor,
  options: { rounds: number; perRound: number; readBack?: boolean },
): Promise<KernelTiming> {
  return timeWithSwitch(compute, setFmaKernelsEnabled, options);
}

/**
 * Same-run A/B of tensorfold's WASM kernels on the thread pool (`ours`) and on the calling thread
 * alone (`stock`: exactly the one-thread paths), as {@link timeAgainstStock}.
 */
export async function timeAgainstOneThread(
  compute: () => tf.Tensor,
  options: { rounds: number; perRound: number; readBack?: boolean },
): Promise<KernelTiming> {
  return timeWithSwitch(compute, setThreadedKernelsEnabled, options);
}

/**
 * Same-run A/B of tensorfold's direct convolution kernels on (`ours`) and off (`stock`: XNNPACK, the
 * pool's patches, the general filter gradient), as {@link timeAgainstStock}.
 */
export async function timeAgainstNoDirect(
  compute: () => tf.Tensor,
  options: { rounds: number; perRound: number; readBack?: boolean },
): Promise<KernelTiming> {
  return timeWithSwitch(compute, setDirectConvEnabled, options);
}

/**
 * Runs `compute` under each side's setup in turn, `perRound` times per side per round (round 0 warms
 * up), and returns each side's median milliseconds; null for a side other than `ours` that throws.
 */
async function alternate(
  compute: () => tf.Tensor,
  sides: Record<'stock' | 'ours', () => void>,
  options: { rounds: number; perRound: number; readBack?: boolean },
): Promise<Record<'stock' | 'ours', number | null>> {
  let stockFails = false;
  const run = async () => {
    const out = compute();
    if (options.readBack ?? true) await out.data();
    out.dispose();
  };
  // stock, then ours, in every round (not rotated: kept as every suite has been measured)
  const runners = (['stock', 'ours'] as const).map((side) => ({
    async round(calls: number) {
      const times: number[] = [];
      if (side === 'stock' && stockFails) return times;
      sides[side]();
      for (let i = 0; i < calls; i++) {
        const start = performance.now();
        try {
          await run();
        } catch (error) {
          if (side === 'ours') throw error;
          stockFails = true;
          break;
        }
        times.push(performance.now() - start);
      }
      return times;
    },
  }));
  const { rounds } = await runAlternating(runners, {
    rounds: options.rounds,
    steps: options.perRound,
    rotate: false,
  });
  const [stock, ours] = rounds.map((side) => side.flat());
  return { ours: median(ours), stock: stockFails ? null : median(stock) };
}
