import { ConfigError } from '@tensorfold/core';

/** A map from data values to px, with the ticks to label its axis. */
export interface Scale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  readonly type: 'linear' | 'log';
  ticks(count?: number): number[];
}

/** Round numbers (1, 2, 5 times a power of ten) between `lo` and `hi`, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.ceil(lo / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Widens `[lo, hi]` to round numbers; a zero-width domain becomes one unit wide around its value. */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) return lo === 0 ? [-1, 1] : [lo - Math.abs(lo) / 2, hi + Math.abs(hi) / 2];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}

/** A linear scale from `domain` to `range`. */
export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const f = ((v: number) => r0 + (v - d0) * k) as Scale;
  return Object.assign(f, {
    domain,
    range,
    type: 'linear' as const,
    ticks: (count = 5) => niceTicks(d0, d1, count),
  });
}

/**
 * A base-10 log scale; the domain must be positive (a {@link ConfigError} otherwise). Ticks are the
 * powers of ten inside the domain, or 1, 2, 5 times them when the domain spans less than two decades.
 */
export function logScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  if (!(d0 > 0 && d1 > 0))
    throw new ConfigError(
      `A log scale needs positive values, but the data spans [${d0}, ${d1}]. Use a linear scale, or plot only positive values.`,
    );
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const [r0, r1] = range;
  const k = l1 === l0 ? 0 : (r1 - r0) / (l1 - l0);
  const f = ((v: number) => r0 + (Math.log10(v) - l0) * k) as Scale;
  const ticks = () => {
    const out: number[] = [];
    const multiples = l1 - l0 < 2 ? [1, 2, 5] : [1];
    for (let p = Math.floor(l0); p <= Math.ceil(l1); p++)
      for (const m of multiples) {
        const v = Number((m * 10 ** p).toPrecision(12));
        if (v >= d0 * (1 - 1e-9) && v <= d1 * (1 + 1e-9)) out.push(v);
      }
    return out;
  };
  return Object.assign(f, { domain, range, type: 'log' as const, ticks });
}

/** A tick label: up to 4 significant digits, exponent form for very large or small values. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}
