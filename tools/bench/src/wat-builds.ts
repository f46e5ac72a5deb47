/**
 * The build A/Bs' shared parts (int8-gemm-build-ab, int8-direct-build-ab, int8-chain-build-ab,
 * pair-steps-build-ab, fma-peak): a kernel .wat at a git revision or in this checkout with its
 * `;; @include` lines expanded, compiled here with wabt as compile-simd-kernels.mjs does, and the
 * rounds' quartiles.
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
  // the kernels' folder at `rev` is unpacked to a temporary folder for wat-includes.mjs to read
  const scratch = mkdtempSync(join(tmpdir(), 'wat-builds-'));
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

/** wabt, @tensorfold/backend's (its compile script's) dev dependency. */
export async function loadWabt(): Promise<WabtToolkit> {
  const require = createRequire(`${ROOT}packages/backend/package.json`);
  return (require('wabt') as () => Promise<WabtToolkit>)();
}

/** The kernels' features: SIMD, threads, relaxed SIMD. */
const KERNEL_FEATURES = { simd: true, threads: true, relaxed_simd: true };

/** `text` compiled and validated with `features` (default: the kernels'). */
export function compileWat(
  toolkit: WabtToolkit,
  name: string,
  text: string,
  features: Record<string, boolean> = KERNEL_FEATURES,
): Uint8Array<ArrayBuffer> {
  const module = toolkit.parseWat(name, text, features);
  try {
    module.validate(features);
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** The FMA build of `text` (lines marked `;;fma ` kept). */
export function fmaBuild(toolkit: WabtToolkit, name: string, text: string): Uint8Array<ArrayBuffer> {
  return compileWat(toolkit, name, text.replace(/^([ \t]*);;fma /gm, '$1'));
}

/** The FMA build of `file` (in the kernels' folder) at `rev` (null: this checkout). */
export async function fmaBuildAt(rev: string | null, file: string): Promise<Uint8Array<ArrayBuffer>> {
  return fmaBuild(await loadWabt(), file, sourceAt(rev, file));
}

/** The quartiles of `values`: [first, median, third]. */
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
