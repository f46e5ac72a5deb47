/**
 * calibrate's A/A of two sets of worker processes, through the real measuring code as calibrate
 * runs it (buildInterleaved, processSide with `built`, measurePaired), with fake workers whose round
 * time depends only on where the round ran: which process (the same draw for process i of either set), what ran just
 * before it (the bench's CPU-time snapshot, i.e. the first slot of a pair; the same set; the other
 * set) and how long the process sat idle. Two such sets differ in nothing but their role, so the A/A
 * must read 1.00x (within 0.1%), in wall and CPU time, either way round: a schedule that put one role in
 * the first slot more often, left one side's process idle longer or paired rounds of different
 * processes would move it (BENCHMARKS.md, "(branch wip/aa-bias)").
 */
import { describe, expect, it } from 'vitest';
import { measurePaired } from './paired-comparison.js';
import { buildInterleaved, type PyTorchPeer } from './peers/pytorch.js';
import type { RoundTime } from './steadiness.js';
import type { TrainingBatches } from './training-data.js';
import { processSide } from './training-sides.js';

/** The fake machine: who ran last ('snapshot' for the bench's CPU-time reading) and a call counter. */
interface Machine {
  last: string;
  calls: number;
}

/** Process `index` of set `set`: a fake worker speaking the peers' protocol (timedRound). */
function fakeWorker(machine: Machine, set: number, index: number): PyTorchPeer {
  let lastCall = -1;
  const worker = {
    pid: undefined,
    async timedRound(_network: string, steps: number): Promise<RoundTime> {
      const before = machine.last;
      machine.last = `${set}:${index}`;
      machine.calls++;
      const idle = lastCall < 0 ? 0 : machine.calls - lastCall;
      lastCall = machine.calls;
      if (steps === 0) return { wall: 0, cpu: 0 };
      const draw = 1 + 0.4 * (index % 2) + 0.03 * index; // process i's speed draw, the same in both sets
      const after = before === 'snapshot' ? 1.1 : before.startsWith(`${set}:`) ? 0.97 : 1; // the first slot's penalty; the same set warm
      const wake = 1 + 0.002 * Math.min(idle, 50); // the longer idle, the colder
      const wall = (0.01 * steps * after * wake) / draw;
      return { wall, cpu: 0.9 * wall };
    },
    close() {},
  };
  return worker as unknown as PyTorchPeer;
}

/** One A/A through the real code: `count` processes a set, `rounds` rounds; swap: B measured first. */
async function fakeAA(count: number, rounds: number, swap: boolean) {
  const machine: Machine = { last: '', calls: 0 };
  const workers = [0, 1].map((set) =>
    Array.from({ length: count }, (_, index) => fakeWorker(machine, set, index)),
  ) as [PyTorchPeer[], PyTorchPeer[]];
  await buildInterleaved(workers, 'lenet5', 1, 'interleaved');
  const data = { kind: 'random' } as TrainingBatches;
  const [first, second] = swap ? [workers[1], workers[0]] : [workers[0], workers[1]];
  const a = await processSide(first, 'first', 1, { built: true }).start('lenet5', data);
  const b = await processSide(second, 'second', 1, { built: true }).start('lenet5', data);
  const measured = await measurePaired(a!, [b!], {
    rounds,
    steps: 16,
    samplesPerRound: 16 * 64,
    snapshot: () => {
      machine.last = 'snapshot';
      return null;
    },
  });
  return measured.comparisons[0];
}

describe("calibrate's A/A of two sets of processes, with fake workers", () => {
  for (const [count, rounds] of [
    [16, 32], // the plan (verdict.ts's YARDSTICK)
    [8, 16],
    [4, 32],
    [16, 24], // fewer rounds than two a process
  ] as const)
    for (const swap of [false, true])
      it(`reads 1.00x over ${count} + ${count} processes, ${rounds} rounds${swap ? ', roles swapped' : ''}`, async () => {
        const c = await fakeAA(count, rounds, swap);
        // the fakes do differ round to round (process draws, the first slot's penalty), so 1.00x is
        // the schedule's balance, not constant times
        expect(Math.max(...c.ratios) / Math.min(...c.ratios)).toBeGreaterThan(1.1);
        expect(c.interval).not.toBeNull();
        // (the build order's one unpaired first use, pair 0 taking the warm-up round, leaves < 0.03%)
        expect(Math.abs(Math.log(c.interval!.estimate))).toBeLessThan(1e-3);
        expect(Math.abs(Math.log(c.ours.cpuRate / c.theirs.cpuRate))).toBeLessThan(0.02);
        // pair i compares process i of A with process i of B
        expect(c.ours.processes).toEqual(c.theirs.processes);
      });

  /**
   * Each pair's figure is the median of its ratios taken in log space, so A/B and B/A of the same
   * rounds are exact reciprocals. The plain median of 2 ratios is their arithmetic mean, which exceeds
   * their geometric mean by about half their log variance, for whichever side is measured first
   * ("ours"): here each pair's two ratios are 1.69x apart, and that mean read A/B times B/A as 1.07.
   */
  it('reads the same rounds as reciprocal ratios with the roles swapped', async () => {
    // round k (warm-up included) in process k mod 8, as processSide; a process's two timed rounds
    // (k and k + 8) 1.3x apart
    const wall = (k: number) => (Math.floor(k / 8) % 2 === 0 ? 1 : 1.3);
    const side = (flip: boolean) => {
      let k = 0;
      const processes: number[] = [];
      return {
        async round() {
          processes.push(k % 8);
          const w = flip ? 1 / wall(k) : wall(k);
          k++;
          return { wall: w, cpu: w };
        },
        processes: () => processes.slice(),
        dispose() {},
      };
    };
    const plan = { rounds: 16, steps: 1, samplesPerRound: 1, snapshot: () => null };
    const ab = (await measurePaired(side(false), [side(true)], plan)).comparisons[0];
    const ba = (await measurePaired(side(true), [side(false)], plan)).comparisons[0];
    expect(ab.interval!.estimate * ba.interval!.estimate).toBeCloseTo(1, 6);
  });
});
