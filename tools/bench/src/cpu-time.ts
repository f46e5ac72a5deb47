/**
 * Who used the CPU during a measurement: the whole machine (Linux's /proc/stat) against the bench's
 * own processes (/proc/<pid>/stat), so that a suite can say how much CPU time other processes took
 * while its rounds ran. The load average cannot: it counts the bench's own threads and lags a minute.
 * Off Linux every reader returns null and callers fall back to the load average.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of Linux's /proc CPU times (USER_HZ, 100 on every mainstream build). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds the machine has spent busy since boot, all cores together: user, nice, system, irq,
 * softirq and steal (time a virtual machine's host gave to someone else) of /proc/stat's `cpu` line.
 */
export function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    return parseMachineBusyTicks(line) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The busy ticks of /proc/stat's aggregate `cpu` line (see {@link machineBusySeconds}). */
export function parseMachineBusyTicks(line: string): number {
  const fields = line.trim().split(/\s+/);
  if (fields[0] !== 'cpu' || fields.length < 9)
    throw new Error(`Not /proc/stat's aggregate cpu line: "${line}".`);
  const [user, nice, system, , , irq, softirq, steal] = fields.slice(1, 9).map(Number);
  return user + nice + system + irq + softirq + steal;
}

/**
 * CPU seconds (user + system) process `pid` has spent so far, all its threads, or only thread `tid`
 * when given; null where it cannot be read (not Linux, or the process has ended). `'self'` is this
 * process.
 */
export function processCpuSeconds(pid: number | 'self', tid?: number): number | null {
  const path = tid == null ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
  try {
    return parseProcessCpuTicks(readFileSync(path, 'utf8')) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** utime + stime of a /proc/<pid>/stat (or /proc/<pid>/task/<tid>/stat) line, in ticks. */
export function parseProcessCpuTicks(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`Not a /proc/<pid>/stat line: "${stat.slice(0, 80)}".`);
  return utime + stime;
}

/** One reading of the machine's and the bench's CPU time. */
export interface CpuSnapshot {
  /** `performance.now()` in seconds. */
  wall: number;
  /** {@link machineBusySeconds}. */
  machine: number;
  /** CPU seconds of the bench's own processes (this one and its peers), summed. */
  own: number;
}

/** Reads the machine's busy time and that of this process and `pids`; null off Linux. */
export function cpuSnapshot(pids: number[] = []): CpuSnapshot | null {
  const machine = machineBusySeconds();
  if (machine == null) return null;
  let own = 0;
  for (const pid of ['self' as const, ...pids]) own += processCpuSeconds(pid) ?? 0;
  return { wall: performance.now() / 1000, machine, own };
}

/**
 * Cores' worth of CPU time that processes other than the bench's took between two snapshots (CPU
 * seconds per wall second; 0 when no wall time passed). Never negative: /proc's counters tick
 * separately, so on an idle machine the difference can dip a tick below zero.
 */
export function othersCores(before: CpuSnapshot, after: CpuSnapshot): number {
  const wall = after.wall - before.wall;
  if (wall <= 0) return 0;
  const others = after.machine - before.machine - (after.own - before.own);
  return Math.max(0, others / wall);
}
