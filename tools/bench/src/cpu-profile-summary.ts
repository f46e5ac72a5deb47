/**
 * `pnpm --filter @tensorfold/bench cpu-profile-summary <file.cpuprofile> <steps>`
 *
 * Reads a V8 CPU profile of training steps (`node --cpu-prof`, e.g. of `step-split.ts --plain`) and
 * prints the self time per step of each part of the stack, from the first sample inside
 * `trainOnBatch` to the last (so the part of a step after its `await`, which V8 samples on a fresh
 * stack, counts too): WASM code, tfjs-core's engine and ops, tfjs-backend-wasm's JavaScript, the
 * JavaScript of @tensorfold/backend's WASM kernels, of @tensorfold/core, @tensorfold/optim and
 * @tensorfold/layers, and the rest. `steps`: the trainOnBatch calls in that window (warm-up included).
 * Each sample counts the profile's median interval (gaps where the process was descheduled are left
 * out). Sampled figures carry the profiler's own cost: read them as shares, not as times.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part of the stack a sampled frame belongs to (package paths as pnpm lays them out). */
export function partOf(functionName: string, url: string): string {
  if (functionName.startsWith('wasm-function')) return 'WASM code (every module)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(idle)' || functionName === '(program)') return 'idle, program';
  // the backend's and layers' pnpm folders name tfjs-core too: test them first
  if (url.includes('tfjs-backend-wasm')) return 'tfjs-backend-wasm (JavaScript)';
  if (url.includes('tfjs-layers')) return "tfjs-layers' bundle (its copies of tfjs-core's gradients)";
  // core's bundle of tfjs-core's gradients is named tfjs-core-registrations.js
  if (url.includes('packages/core/src/generated')) return "core's bundle of tfjs-core's gradients";
  if (url.includes('tfjs-core')) return 'tfjs-core (engine, ops)';
  if (url.includes('packages/backend/src/wasm')) return "@tensorfold/backend's WASM kernels (JavaScript)";
  for (const name of ['backend', 'core', 'optim', 'layers'])
    if (url.includes(`packages/${name}/`)) return `@tensorfold/${name}`;
  if (url === '') return 'V8 builtins';
  return 'other';
}

function main() {
  const [file, stepsArg] = process.argv.slice(2);
  if (file == null || stepsArg == null)
    throw new Error('Usage: cpu-profile-summary <file.cpuprofile> <steps>');
  const steps = Number(stepsArg);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inStep = new Map<number, boolean>();
  const isInStep = (id: number): boolean => {
    let known = inStep.get(id);
    if (known === undefined) {
      const up = parent.get(id);
      known = nodes.get(id)?.callFrame.functionName === 'trainOnBatch' || (up !== undefined && isInStep(up));
      inStep.set(id, known);
    }
    return known;
  };
  const inside = profile.samples.map((id) => isInStep(id));
  const first = inside.indexOf(true);
  const last = inside.lastIndexOf(true);
  if (first < 0) throw new Error(`No sample inside trainOnBatch in ${file}.`);
  // Each sample counts the profile's median interval: a sample followed by a long gap (the process
  // descheduled by other load) would otherwise charge the gap to whatever frame it caught.
  const deltas = profile.timeDeltas.slice(first + 1, last + 2).sort((a, b) => a - b);
  const us = deltas[Math.floor(deltas.length / 2)] ?? 0;
  const parts = new Map<string, number>();
  let total = 0;
  for (let i = first; i <= last; i++) {
    const frame = nodes.get(profile.samples[i])?.callFrame;
    total += us;
    const part = frame ? partOf(frame.functionName, frame.url) : 'other';
    parts.set(part, (parts.get(part) ?? 0) + us);
  }
  console.log(
    `${last - first + 1} samples of ${us} us: ${(total / 1000 / steps).toFixed(3)} ms per step sampled; self time per step:`,
  );
  for (const [part, time] of [...parts].sort((a, b) => b[1] - a[1]))
    console.log(
      `  ${(time / steps).toFixed(0).padStart(6)} us ${((100 * time) / total).toFixed(1).padStart(5)}%  ${part}`,
    );
}

// run as a script, not when a test imports partOf
if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) main();
