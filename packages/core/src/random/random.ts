/**
 * A small, fast, seedable pseudo-random generator (xoshiro128**, seeded through splitmix32).
 * Every source of randomness in tensorfold (initializers, dropout, shuffling, augmentation) draws
 * from one of these, so the same seed gives the same run on every backend.
 */
export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  /** @param seed Any integer (only the low 32 bits matter) or a 4-word state from {@link Random.state}. */
  constructor(seed: number | readonly number[]) {
    if (typeof seed === 'number') this.reseed(seed);
    else this.setState(seed);
  }

  /** A generator whose stream depends only on `seed` and `key` (e.g. an epoch number). */
  static derive(seed: number, ...keys: number[]): Random {
    let h = seed >>> 0;
    for (const key of keys) h = splitmix32(h ^ Math.imul(key + 0x9e3779b9, 0x85ebca6b));
    return new Random(h);
  }

  /** Restarts the stream from `seed`. */
  reseed(seed: number): void {
    let x = seed >>> 0;
    x = splitmix32(x);
    this.s0 = x;
    x = splitmix32(x);
    this.s1 = x;
    x = splitmix32(x);
    this.s2 = x;
    x = splitmix32(x);
    this.s3 = x;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spareNormal = null;
  }

  /** The generator's state (4 unsigned 32-bit words), for checkpoints. */
  state(): number[] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** Restores a state returned by {@link Random.state}. */
  setState(state: readonly number[]): void {
    if (state.length !== 4)
      throw new RangeError('A Random state has exactly 4 words; pass what state() returned.');
    [this.s0, this.s1, this.s2, this.s3] = state.map((w) => w >>> 0);
    this.spareNormal = null;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A seed for tfjs ops that take one (`tf.randomUniform(..., seed)`): a positive 31-bit integer. */
  nextSeed(): number {
    return this.nextUint32() >>> 1;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Standard normal (Box-Muller; caches the second value). */
  normal(mean = 0, stddev = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + stddev * z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + stddev * r * Math.cos(2 * Math.PI * v);
  }

  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.uniform() * maxExclusive);
  }

  /** Shuffles `array` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /** An independent generator seeded from this one. */
  fork(): Random {
    return new Random(this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32: a good 32-bit integer hash, used to spread seeds. */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
