/**
 * The int8 build A/Bs' shared parts (int8-gemm-build-ab, int8-direct-build-ab): a kernel .wat at a git
 * revision or in this checkout, its FMA build compiled here with wabt as compile-simd-kernels.mjs
 * does, quartiles, and a seeded generator.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// the compile script's own expansion of `;; @include` lines (compile-simd-kernels.mjs uses it)
import { expandIncludes } from '../../../packages/backend/scripts/wat-includes.mjs';

const SIMD_DIR = 'packages/backend/src/wasm/simd';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `file` (in the kernels' folder) at `rev` (null: this checkout) with its includes expanded. */
export function sourceAt(rev: string | null, file: string): string {
  if (rev == null) {
    const path = join(ROOT, SIMD_DIR, file);
    return expandIncludes(readFileSync(path, 'utf8'), path);
  }
  const scratch = mkdtempSync(join(tmpdir(), 'int8-gemm-build-ab-'));
  try {
    const archive = execFileSync('git', ['archive', '--format=tar', rev, SIMD_DIR], {
      cwd: ROOT,
      maxBuffer: 1 << 28,
    });
    execFileSync('tar', ['-x', '-C', scratch], { input: archive });
    const path = join(scratch, SIMD_DIR, file);
    return expandIncludes(readFileSync(path, 'utf8'), path);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface WabtToolkit {
  parseWat(
    name: string,
    text: string,
    features: Record<string, boolean>,
  ): {
    validate(f: Record<string, boolean>): void;
    toBinary(o: object): { buffer: Uint8Array };
    destroy(): void;
  };
}

/** The FMA build of `text` (lines marked `;;fma ` kept). */
export function fmaBuild(toolkit: WabtToolkit, name: string, text: string): Uint8Array<ArrayBuffer> {
  const features = { simd: true, threads: true, relaxed_simd: true };
  const module = toolkit.parseWat(name, text.replace(/^([ \t]*);;fma /gm, '$1'), features);
  try {
    module.validate(features);
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

export function quartiles(values: number[]): [number, number, number] {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const i = q * (s.length - 1);
    const lo = Math.floor(i);
    return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
  };
  return [at(0.25), at(0.5), at(0.75)];
}
export const fmt = (q: [number, number, number], d = 3) =>
  `${q[1].toFixed(d)} (${q[0].toFixed(d)}-${q[2].toFixed(d)})`;

/** A seeded generator of 32-bit values (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The FMA build of `file` (in the kernels' folder) at `rev` (null: this checkout). */
export async function fmaBuildAt(rev: string | null, file: string): Promise<Uint8Array<ArrayBuffer>> {
  const require = createRequire(`${ROOT}packages/backend/package.json`);
  const toolkit = await (require('wabt') as () => Promise<WabtToolkit>)();
  return fmaBuild(toolkit, file, sourceAt(rev, file));
}
