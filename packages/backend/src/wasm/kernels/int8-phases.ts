/**
 * An optional clock for the phases of the int8 dense kernels on the pool (int8-by-threads.ts,
 * int8-dense-chain.ts): where one is set (`setInt8PhaseClock`, from `@tensorfold/backend/testing`;
 * the bench's `int8-profile ... phases` does), each phase's wall time on the calling thread is
 * handed to it by name; with none (the default) a phase costs one comparison.
 */

/** Receives one phase's name and its wall time (milliseconds). */
export type Int8PhaseClock = (phase: string, ms: number) => void;

let clock: Int8PhaseClock | null = null;

/** Sets (or, with null, removes) the clock of the int8 dense kernels' phases. */
export function setInt8PhaseClock(next: Int8PhaseClock | null): void {
  clock = next;
}

/** The time now where a clock is set, else 0 (then {@link phaseEnd} does nothing). */
export function phaseStart(): number {
  return clock == null ? 0 : performance.now();
}

/** Hands the time since `start` to the clock as `phase`; returns the time now (the next phase's start). */
export function phaseEnd(phase: string, start: number): number {
  if (clock == null) return 0;
  const now = performance.now();
  clock(phase, now - start);
  return now;
}
