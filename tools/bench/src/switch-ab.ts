/**
 * Same-process A/B of one process-wide switch (`setFloatZeroSkipEnabled`, `setPadRowsEnabled`, ...):
 * the two sides run the same code, one with the switch off and one with it on, in rounds alternated
 * by {@link runAlternating} (the side that runs first changes every round, so that load from other
 * processes hits both alike). Used by the A/B scripts (float-skip-ab.ts, step-overhead-ab.ts, ...).
 */
import { runAlternating } from './alternating-rounds.js';

/** A side of a switch A/B. */
export type SwitchSide = 'off' | 'on';

/** What {@link runSwitchAb} measured: each side's timed rounds, in round order (index i: round i). */
export interface SwitchAbResult<T> {
  off: T[];
  on: T[];
  /** The largest 1-minute load average per core seen during the timed rounds. */
  load: number;
  /** Cores' worth of CPU time other processes took during the timed rounds; null off Linux. */
  othersCores: number | null;
}

/**
 * Runs `warmupRounds` untimed rounds, then `rounds` timed rounds, of `round(steps)` with the switch
 * off and with it on: `set(false)` or `set(true)` before each side's round, `set(true)` (the default)
 * after the last one, also when a round throws. The side named `first` leads the first warm-up
 * round, and the order swaps every round after it, warm-up and timed rounds alike
 * (`continueRotation`), unless `alternate` is false.
 */
export async function runSwitchAb<T>(
  set: (on: boolean) => void,
  round: (steps: number) => Promise<T>,
  options: {
    rounds: number;
    steps: number;
    warmupRounds: number;
    /** The side that leads the first round (default `off`). */
    first?: SwitchSide;
    /** Default true. False: `first` leads every round (training-ab.ts's loop, kept as it was measured). */
    alternate?: boolean;
  },
): Promise<SwitchAbResult<T>> {
  const { rounds, steps, warmupRounds, first = 'off', alternate = true } = options;
  const order: SwitchSide[] = first === 'off' ? ['off', 'on'] : ['on', 'off'];
  const sides = order.map((side) => ({
    round(steps: number) {
      set(side === 'on');
      return round(steps);
    },
  }));
  try {
    const result = await runAlternating(sides, {
      rounds,
      steps,
      warmupRounds,
      continueRotation: true,
      rotate: alternate,
    });
    const bySide = { [order[0]]: result.rounds[0], [order[1]]: result.rounds[1] } as Record<SwitchSide, T[]>;
    return { ...bySide, load: result.load, othersCores: result.othersCores };
  } finally {
    set(true);
  }
}
