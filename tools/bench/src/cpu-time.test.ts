import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cpuSnapshot,
  machineBusySeconds,
  othersCores,
  parseMachineBusyTicks,
  parseProcessCpuTicks,
  processCpuSeconds,
} from './cpu-time.js';

describe('parsers', () => {
  it("reads /proc/stat's busy ticks: user, nice, system, irq, softirq, steal (not idle, iowait)", () => {
    expect(parseMachineBusyTicks('cpu  100 20 30 5000 70 1 2 3 0 0')).toBe(100 + 20 + 30 + 1 + 2 + 3);
    expect(() => parseMachineBusyTicks('cpu0 1 2 3 4 5 6 7 8')).toThrow(/aggregate cpu line/);
  });

  it("reads utime + stime of a process's stat line, even with spaces and parentheses in its name", () => {
    const fields = ['S', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '250', '40', '0', '0'];
    expect(parseProcessCpuTicks(`1234 (node (worker) 1) ${fields.join(' ')}`)).toBe(290);
    expect(() => parseProcessCpuTicks('garbage')).toThrow(/stat line/);
  });
});

describe('othersCores', () => {
  it("is the machine's busy time less the bench's, per wall second", () => {
    const before = { wall: 10, machine: 100, own: 40 };
    expect(othersCores(before, { wall: 12, machine: 103, own: 42.5 })).toBeCloseTo(0.25);
  });

  it('never goes negative (counters tick separately) and is 0 without wall time', () => {
    const before = { wall: 10, machine: 100, own: 40 };
    expect(othersCores(before, { wall: 11, machine: 101, own: 41.01 })).toBe(0);
    expect(othersCores(before, before)).toBe(0);
  });
});

describe.runIf(existsSync('/proc/stat'))('on Linux', () => {
  it("counts this process's CPU time and the machine's", () => {
    const machine = machineBusySeconds()!;
    const self = processCpuSeconds('self')!;
    const mainThread = processCpuSeconds('self', process.pid)!;
    // Spin until the main thread has 3 more ticks (10 ms each), however little CPU a busy machine gives.
    let x = 0;
    const end = performance.now() + 20_000;
    while (processCpuSeconds('self', process.pid)! < mainThread + 0.03 && performance.now() < end)
      for (let i = 0; i < 1e5; i++) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(processCpuSeconds('self')!).toBeGreaterThan(self);
    expect(processCpuSeconds('self', process.pid)!).toBeGreaterThan(mainThread);
    expect(machineBusySeconds()!).toBeGreaterThan(machine);
    expect(processCpuSeconds(2 ** 30)).toBeNull(); // no such process
    const snapshot = cpuSnapshot()!;
    expect(snapshot.own).toBeGreaterThan(0);
    expect(snapshot.machine).toBeGreaterThanOrEqual(snapshot.own);
  });
});
