// Compiles the hand-written WASM SIMD kernels (every src/wasm/simd/*.wat, one module each) to bytes,
// with wabt (a WebAssembly toolkit compiled to JavaScript: no native tools, nothing downloaded). One
// module per file keeps each under 4 KB, the largest that browsers compile synchronously on the main
// thread; simd-module.ts loads them.
//
// Two modules come out of each source:
// - the SIMD module, the .wat as written (fixed-width SIMD, every runtime with WebAssembly SIMD);
// - the FMA module, the same kernels with every accumulation `(f32x4.add (local.get $acc…)
//   (f32x4.mul A B))` rewritten to the relaxed-SIMD fused multiply-add `(f32x4.relaxed_madd A B
//   (local.get $acc…))`. Runtimes without relaxed SIMD (Node 20 without
//   --experimental-wasm-relaxed-simd, older browsers) fail to validate it and keep the SIMD module.
//   Lines that start with `;;fma ` are code of the FMA module only (the comment mark is dropped
//   there): kernels that need other relaxed-SIMD instructions (threaded-int8.wat's byte dot products).
//
// Before either, each line `;; @include fragments/<name>.wat` is replaced by that fragment's text
// (wat-includes.mjs): functions that two modules share have one source in src/wasm/simd/fragments/,
// which is not compiled on its own (only the .wat files directly in src/wasm/simd/ are modules).
// wabt's error positions are moved back to the lines as written (`fragments/<name>.wat:8:57: error`).
//
// Output: src/wasm/simd/generated/<name>-wasm.ts for each <name>.wat, both modules as base64 strings. Git ignores it;
// `pnpm install` regenerates it (root postinstall) and `build` runs this first, so dist carries it.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';
import { expandIncludesWithOrigins, relocated } from './wat-includes.mjs';

const simdDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'wasm', 'simd');

/** The index just past the s-expression that opens at `start` (a `(`), skipping `;;` comments. */
function closeOf(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === ';' && text[i + 1] === ';') i = text.indexOf('\n', i);
    else if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced parentheses from offset ${start}`);
}

/**
 * `text` with each `(f32x4.add (local.get $acc…) (f32x4.mul A B))` as `(f32x4.relaxed_madd A B
 * (local.get $acc…))`, and how many it rewrote (0 for a module with no float accumulation: its FMA
 * build is then its SIMD build).
 */
function fusedMultiplyAdds(text) {
  const head = /\(f32x4\.add\s+(\(local\.get \$acc\w*\))\s+\(f32x4\.mul\s+/g;
  let out = '';
  let from = 0;
  let count = 0;
  for (let match = head.exec(text); match != null; match = head.exec(text)) {
    const mulStart = match.index + match[0].lastIndexOf('(f32x4.mul');
    const mulEnd = closeOf(text, mulStart);
    const addEnd = closeOf(text, match.index);
    if (text.slice(mulEnd, addEnd).trim() !== ')') continue; // not exactly acc + a*b: leave it
    const operands = text.slice(mulStart + '(f32x4.mul'.length, mulEnd - 1).trim();
    out += `${text.slice(from, match.index)}(f32x4.relaxed_madd ${operands} ${match[1]})`;
    from = addEnd;
    head.lastIndex = addEnd;
    count++;
  }
  return { text: out + text.slice(from), count };
}

/** `text` with the `;;fma ` mark dropped from each line that starts with it, and how many it uncommented. */
function fmaOnlyLines(text) {
  let count = 0;
  const out = text.replace(/^([ \t]*);;fma /gm, (_, indent) => {
    count++;
    return indent;
  });
  return { text: out, count };
}

const toolkit = await wabt();

/**
 * The binary of `wat`, parsed with `features`; `origin` (where each line of `wat` was written) moves
 * wabt's error positions back to the .wat or fragment line.
 */
function compile(name, wat, features, origin) {
  let module;
  try {
    module = toolkit.parseWat(name, wat, features);
    module.validate(features);
    return Buffer.from(module.toBinary({}).buffer).toString('base64');
  } catch (error) {
    throw new Error(`${name}: ${relocated(error.message, name, origin)}`);
  } finally {
    module?.destroy();
  }
}

/** The generated TypeScript of one `.wat` file: its SIMD and FMA builds as base64. */
function generate(file) {
  const path = join(simdDir, file);
  const { text: source, origin } = expandIncludesWithOrigins(readFileSync(path, 'utf8'), path);
  const features = { simd: true, threads: true };
  const simd = compile(file, source, features, origin);
  const fmaOnly = fmaOnlyLines(source);
  const fused = fusedMultiplyAdds(fmaOnly.text);
  // (a rewrite that joined lines leaves the FMA text's lines unmapped: positions in the FMA text)
  const sameLines = fused.text.split('\n').length === source.split('\n').length;
  const fma =
    fused.count + fmaOnly.count === 0
      ? simd
      : compile(
          `${file} (relaxed_madd)`,
          fused.text,
          { ...features, relaxed_simd: true },
          sameLines ? origin : undefined,
        );
  return (
    `// Generated by packages/backend/scripts/compile-simd-kernels.mjs from src/wasm/simd/${file}. Do not edit.\n` +
    `export const SIMD_WASM_BASE64 =\n  '${simd}';\n` +
    '// The same kernels with relaxed-SIMD fused multiply-adds (f32x4.relaxed_madd); the SIMD build where it has none.\n' +
    `export const FMA_WASM_BASE64 =\n  '${fma}';\n`
  );
}

try {
  mkdirSync(join(simdDir, 'generated'), { recursive: true });
  for (const file of readdirSync(simdDir).filter((name) => name.endsWith('.wat'))) {
    writeFileSync(join(simdDir, 'generated', file.replace(/\.wat$/, '-wasm.ts')), generate(file));
  }
} catch (error) {
  // wabt's own stack trace would print its minified source: the message says where the .wat is wrong.
  console.error(`compile-simd-kernels: ${error.message}`);
  process.exit(1);
}
