import { describe, expect, it } from 'vitest';
import {
  buildOrderFromEnv,
  buildSequence,
  builtPositions,
  calibrateSwapFromEnv,
  interleavedSets,
  PyTorchPeer,
  pytorchProcessesFromEnv,
  requirePyTorch,
} from './pytorch.js';

describe('pytorchProcessesFromEnv', () => {
  it("takes the plan's count when unset, a whole number when set, and says what to give otherwise", () => {
    expect(pytorchProcessesFromEnv(16, '')).toBe(16);
    expect(pytorchProcessesFromEnv(16, ' ')).toBe(16);
    expect(pytorchProcessesFromEnv(16, '8')).toBe(8);
    expect(pytorchProcessesFromEnv(16, '1')).toBe(1);
    expect(() => pytorchProcessesFromEnv(16, '0')).toThrow(
      /BACKEND_TRAINING_PYTORCH_PROCESSES=0: give a whole number/,
    );
    expect(() => pytorchProcessesFromEnv(16, '2.5')).toThrow(/whole number/);
  });
});

describe('PyTorchPeer', () => {
  it('names the worker that exited mid-round by its label', async () => {
    // A worker that reads the round's request and exits with code 3 (Node stands in for Python).
    const script = "process.stdin.once('data', () => { console.error('crashed'); process.exit(3); });";
    const peer = new PyTorchPeer(process.execPath, 'unused', ['-e', script], 'tensorfold worker');
    try {
      await expect(peer.timedRound('mlp', 1, 1)).rejects.toThrow(/^The tensorfold worker exited \(code 3\)/);
    } finally {
      peer.close();
    }
  });
});

describe('requirePyTorch', () => {
  it("gives the probe's Python, or an error naming who needed it, why there is none and the fix", () => {
    expect(requirePyTorch({ python: 'python3', version: '1.13.0', reason: '' }, 'x')).toEqual({
      python: 'python3',
      version: '1.13.0',
    });
    const missing = {
      python: null,
      version: null,
      reason:
        "no Python here imports torch (python3: No module named 'torch'); on Debian: apt-get install python3-torch libopenblas0-pthread",
    };
    expect(() => requirePyTorch(missing, 'x')).toThrow(
      "x cannot run: no Python here imports torch (python3: No module named 'torch'); on Debian: apt-get install python3-torch libopenblas0-pthread.",
    );
    expect(() => requirePyTorch(missing, 'calibrate pytorch1', 'leave pytorch1 out')).toThrow(
      /^calibrate pytorch1 cannot run: no Python here imports torch .*apt-get install python3-torch libopenblas0-pthread; or leave pytorch1 out\.$/,
    );
  });
});

describe('interleavedSets', () => {
  it('starts the two sets in turn, A first in even pairs (A0 B0 B1 A1 A2 B2 ...), or set by set', () => {
    const started: string[] = [];
    let n = 0;
    const [a, b] = interleavedSets(3, () => {
      const id = n++;
      started.push(String(id));
      return id;
    });
    // the start order, by name
    const name = (id: number) => (a.includes(id) ? `A${a.indexOf(id)}` : `B${b.indexOf(id)}`);
    expect(started.map((id) => name(Number(id)))).toEqual(['A0', 'B0', 'B1', 'A1', 'A2', 'B2']);
    expect(buildSequence(2, 'sets').map(({ set, index }) => `${'AB'[set]}${index}`)).toEqual([
      'A0',
      'A1',
      'B0',
      'B1',
    ]);
    // every position once
    expect(buildSequence(16, 'interleaved')).toHaveLength(32);
  });

  it('reads CALIBRATE_PROCESS_ORDER: interleaved by default, sets on request, and says what else to give', () => {
    expect(buildOrderFromEnv('')).toBe('interleaved');
    expect(buildOrderFromEnv('Sets')).toBe('sets');
    expect(() => buildOrderFromEnv('abba')).toThrow(/CALIBRATE_PROCESS_ORDER=abba: give interleaved/);
  });
});

describe('builtPositions', () => {
  it('places each process that ran a timed round, in process order, where a short run leaves some out', () => {
    // 4 processes a set, 3 timed rounds after the untimed one: processes 1, 2, 3 (process 0 never timed)
    expect(builtPositions([1, 2, 3], 0, 4, 'interleaved')).toEqual([3, 4, 7]);
    expect(builtPositions([1, 2, 3], 1, 4, 'interleaved')).toEqual([2, 5, 6]);
    expect(builtPositions([3, 1, 2, 1], 1, 4, 'sets')).toEqual([5, 6, 7]);
  });
});

describe('calibrateSwapFromEnv', () => {
  it('swaps on 1, not when unset, empty or 0, and says what to give otherwise', () => {
    expect(calibrateSwapFromEnv('')).toBe(false);
    expect(calibrateSwapFromEnv(' ')).toBe(false);
    expect(calibrateSwapFromEnv('0')).toBe(false);
    expect(calibrateSwapFromEnv(' 1 ')).toBe(true);
    expect(() => calibrateSwapFromEnv('yes')).toThrow(/CALIBRATE_SWAP=yes: give 1 .* or 0/);
  });
});
