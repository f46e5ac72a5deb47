import { describe, expect, it } from 'vitest';
import { runSwitchAb } from './switch-ab.js';

describe('runSwitchAb', () => {
  it('sets the switch before each round, swaps the order every round, and leaves it on', async () => {
    const log: string[] = [];
    let state = true;
    const set = (on: boolean) => {
      state = on;
    };
    let call = 0;
    const result = await runSwitchAb(
      set,
      async (steps) => {
        log.push(`${state ? 'on' : 'off'}${steps}`);
        return call++;
      },
      { rounds: 3, steps: 2, warmupRounds: 1 },
    );
    // Warm-up off-on, then timed on-off, off-on, on-off.
    expect(log).toEqual(['off2', 'on2', 'on2', 'off2', 'off2', 'on2', 'on2', 'off2']);
    expect(result.on).toEqual([2, 5, 6]);
    expect(result.off).toEqual([3, 4, 7]);
    expect(state).toBe(true);
  });

  it('lets the on side lead where asked, and turns the switch back on when a round throws', async () => {
    const log: boolean[] = [];
    let state = true;
    await expect(
      runSwitchAb(
        (on) => {
          state = on;
        },
        async () => {
          log.push(state);
          if (log.length === 4) throw new Error('round failed');
          return 0;
        },
        { rounds: 2, steps: 1, warmupRounds: 2, first: 'on' },
      ),
    ).rejects.toThrow('round failed');
    expect(log).toEqual([true, false, false, true]);
    expect(state).toBe(true);
  });
});
