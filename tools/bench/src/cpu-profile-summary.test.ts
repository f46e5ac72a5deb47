import { describe, expect, it } from 'vitest';
import { partOf } from './cpu-profile-summary.js';

describe('partOf', () => {
  const pnpm = '/repo/node_modules/.pnpm';
  it('tells tfjs-core from the packages whose pnpm folders also name it', () => {
    const core = `${pnpm}/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js`;
    const wasm = `${pnpm}/@tensorflow+tfjs-backend-wasm@4.22.0_@tensorflow+tfjs-core@4.22.0/node_modules/x.js`;
    const layers = `${pnpm}/@tensorflow+tfjs-layers@4.22.0_@tensorflow+tfjs-core@4.22.0/node_modules/y.js`;
    expect(partOf('Engine.runKernel', `file://${core}`)).toBe('tfjs-core (engine, ops)');
    expect(partOf('BackendWasm.move', `file://${wasm}`)).toBe('tfjs-backend-wasm (JavaScript)');
    expect(partOf('div_', `file://${layers}`)).toMatch(/^tfjs-layers/);
  });

  it("names tensorfold's packages, WASM code and V8's own frames", () => {
    expect(partOf('matMulPadded', 'file:///r/packages/backend/src/wasm/kernels/mat-mul-padded.ts')).toBe(
      "@tensorfold/backend's WASM kernels (JavaScript)",
    );
    expect(partOf('runGraph', 'file:///r/packages/core/src/engine/graph.ts')).toBe('@tensorfold/core');
    expect(partOf('x', 'file:///r/packages/core/src/generated/tfjs-core-registrations.js')).toMatch(/bundle/);
    expect(partOf('run', 'file:///r/packages/optim/src/optimizers/adam.ts')).toBe('@tensorfold/optim');
    expect(partOf('wasm-function[2]', 'wasm://wasm/cfa02562')).toBe('WASM code (every module)');
    expect(partOf('(garbage collector)', '')).toBe('garbage collector');
    expect(partOf('set natives', '')).toBe('V8 builtins');
  });
});
