/**
 * `pnpm --filter @tensorfold/bench wasm-listing <module> [FMA|SIMD] [function index]`
 *
 * Prints what V8 (TurboFan: Liftoff off, every function compiled at once) emits for one of the
 * backend's generated SIMD modules (`<module>`: a .wat's name such as `pair-steps`, or the path of a
 * generated `-wasm.ts` or of a `.wasm` file): `node --print-wasm-code` on an instance of it (on a
 * shared memory where the module imports one), in a child node that loads nothing else (no other
 * WebAssembly, so a function index is the module's). wip/codegen read the float products' and Adam's
 * hot loops this way. Default: the FMA build, every function.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The child's script: argv[1] the file, argv[2] the build. */
const CHILD = `
import { readFileSync } from 'node:fs';
const [file, build] = process.argv.slice(1);
const bytes = file.endsWith('.wasm')
  ? readFileSync(file)
  : Buffer.from(readFileSync(file, 'utf8').match(new RegExp(build + "_WASM_BASE64 =\\\\s*'([^']+)'"))[1], 'base64');
const module = new WebAssembly.Module(bytes);
let instance;
try {
  instance = new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 1 }) } });
} catch {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16384, shared: true });
  instance = new WebAssembly.Instance(module, { env: { memory } });
}
console.error('exports: ' + Object.keys(instance.exports).join(', '));
`;

const [name, build = 'FMA', index] = process.argv.slice(2);
if (!name) throw new Error('Name a module: pnpm wasm-listing pair-steps [FMA|SIMD] [function index].');
const root = fileURLToPath(new URL('../../../', import.meta.url));
const file =
  name.endsWith('.ts') || name.endsWith('.wasm')
    ? name
    : `${root}packages/backend/src/wasm/simd/generated/${name}-wasm.ts`;
const flags = [
  '--experimental-wasm-relaxed-simd',
  '--no-liftoff',
  '--no-wasm-lazy-compilation',
  '--print-wasm-code',
];
if (index !== undefined) flags.push(`--print-wasm-code-function-index=${index}`);
const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', CHILD, file, build], {
  maxBuffer: 1 << 28,
  stdio: ['ignore', 'pipe', 'inherit'],
});
process.stdout.write(out);
