// fit's default verbosity, Keras's 'auto': a progress display in a Node terminal, nothing elsewhere.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sequential } from '../engine/sequential.js';
import { ConfigError } from '../errors.js';
import { register } from '../registry.js';
import { useCpu } from '../test-utils/setup.js';
import { separableData, ToyDense, ToySGD, toyMse } from '../test-utils/toys.js';
import { Callback, EpochLogger } from './callbacks.js';
import { progressCallback, resolveVerbosity, type Verbosity } from './verbosity.js';

beforeAll(useCpu);

function toyModel() {
  const m = sequential({
    layers: [new ToyDense({ units: 1, activation: 'sigmoid', inputShape: [2], seed: 1 })],
  });
  m.compile({ optimizer: new ToySGD(0.5), loss: toyMse });
  return m;
}

/** Runs `fit` with standard output claiming to be a terminal (`isTTY`), and returns what it printed. */
async function printedBy(isTTY: boolean | undefined, verbose?: Verbosity, callbacks: Callback[] = []) {
  const saved = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  Object.defineProperty(process.stdout, 'isTTY', { value: isTTY, configurable: true });
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const { x, y } = separableData(16, 3);
  try {
    const args =
      verbose === undefined
        ? { epochs: 2, batchSize: 8, callbacks }
        : { epochs: 2, batchSize: 8, verbose, callbacks };
    await toyModel().fit(x, y, args);
    return log.mock.calls.map((c) => String(c[0]));
  } finally {
    log.mockRestore();
    if (saved) Object.defineProperty(process.stdout, 'isTTY', saved);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
    tf.dispose([x, y]);
  }
}

describe('resolveVerbosity', () => {
  it("reads 'auto' (the default) as 1 on a terminal and 0 in a pipe or without a process", () => {
    expect(resolveVerbosity(undefined, { isTTY: true })).toBe(1);
    expect(resolveVerbosity('auto', { isTTY: true })).toBe(1);
    expect(resolveVerbosity('auto', { isTTY: false })).toBe(0);
    expect(resolveVerbosity('auto', {})).toBe(0);
    expect(resolveVerbosity('auto', null)).toBe(0); // a browser
    expect(resolveVerbosity(2, { isTTY: false })).toBe(2);
    expect(resolveVerbosity(0, { isTTY: true })).toBe(0);
  });

  it('refuses anything else with a ConfigError', () => {
    expect(() => resolveVerbosity(3 as Verbosity)).toThrow(ConfigError);
    expect(() => resolveVerbosity('yes' as Verbosity)).toThrow(/'auto', 0, 1 or 2/);
  });
});

describe("fit's default verbosity", () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints progress by default when standard output is a terminal', async () => {
    const lines = await printedBy(true);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Epoch 1\/2 - .*loss: /);
  });

  it('prints nothing by default in a pipe', async () => {
    expect(await printedBy(false)).toEqual([]);
    expect(await printedBy(undefined)).toEqual([]);
  });

  it('prints nothing at verbose 0 on a terminal, and one line per epoch at 2 in a pipe', async () => {
    expect(await printedBy(true, 0)).toEqual([]);
    expect(await printedBy(false, 2)).toHaveLength(2);
  });

  it('adds no second display when the caller passes its own', async () => {
    const own = new EpochLogger(() => {});
    expect(await printedBy(true, 'auto', [own])).toEqual([]);
  });
});

describe('progressCallback', () => {
  it("uses the registered 'ProgressBar' at level 1, and recognises one the caller passed", () => {
    class FakeBar extends Callback {}
    expect(progressCallback(1, [])).toBeInstanceOf(EpochLogger); // nothing registered yet
    register('callback', 'ProgressBar', () => new FakeBar());
    expect(progressCallback(1, [])).toBeInstanceOf(FakeBar);
    expect(progressCallback(2, [])).toBeInstanceOf(EpochLogger);
    expect(progressCallback(0, [])).toBeNull();
    expect(progressCallback(1, [new FakeBar()])).toBeNull();
    expect(progressCallback(2, [new FakeBar()])).toBeNull();
  });
});
