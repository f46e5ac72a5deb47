/**
 * The Playground's 2-D data sets, drawn from a seeded generator (same seed, same points): two
 * classes (label 1 orange, 0 blue) in the square [-6, 6]², as in TensorFlow Playground.
 */
import { Random } from '@tensorfold/core';
import type { DatasetName } from './state';

/** Half the side of the square the points lie in. */
export const RADIUS = 6;

/** Points `x` (`[n][2]`) and labels `y` (0 or 1). */
export interface Points {
  x: number[][];
  y: number[];
}

/** `n` points of `name` with `noise` (0 to 0.5, a fraction of {@link RADIUS}), from `seed`. */
export function makeDataset(name: DatasetName, n: number, noise: number, seed: number): Points {
  const random = new Random(seed);
  const x: number[][] = [];
  const y: number[] = [];
  const jitter = () => random.uniformIn(-1, 1) * noise * RADIUS;
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    let p: [number, number];
    if (name === 'circle') {
      // Label 1 inside radius 2.5, label 0 in the ring from 3.5 to 5.
      const r = label === 1 ? random.uniformIn(0, 2.5) : random.uniformIn(3.5, 5);
      const a = random.uniformIn(0, 2 * Math.PI);
      p = [r * Math.cos(a) + jitter(), r * Math.sin(a) + jitter()];
    } else if (name === 'xor') {
      let a = random.uniformIn(-5, 5);
      let b = random.uniformIn(-5, 5);
      a += a > 0 ? 0.3 : -0.3; // keep a small gap at the axes
      b += b > 0 ? 0.3 : -0.3;
      // Label 1 where the signs agree.
      if ((a * b > 0 ? 1 : 0) !== label) b = -b;
      p = [a + jitter(), b + jitter()];
    } else if (name === 'gaussians') {
      const c = label === 1 ? 2 : -2;
      p = [random.normal(c, 1 + noise * 2), random.normal(c, 1 + noise * 2)];
    } else {
      // Two interleaved spirals.
      const t = random.uniform() * 1.75 * 2 * Math.PI + 0.3;
      const r = (t / (2 * Math.PI)) * 2.6;
      const a = t + label * Math.PI;
      p = [r * Math.sin(a) + jitter(), r * Math.cos(a) + jitter()];
    }
    x.push([clamp(p[0]), clamp(p[1])]);
    y.push(label);
  }
  return { x, y };
}

function clamp(v: number): number {
  return Math.max(-RADIUS, Math.min(RADIUS, v));
}
