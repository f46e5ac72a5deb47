import { ConfigError } from '@tensorfold/core';
import { vggSmall } from '@tensorfold/models-cnn';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { trainCommand } from './commands/train.js';
import { numberFrom } from './options.js';
import { buildProgram } from './program.js';
import { quietOutput as quiet } from './test-utils/quiet-output.js';

const base = {
  optimizer: 'adam' as const,
  validationSplit: 0,
  backend: 'wasm' as const,
  seed: 5,
  json: true,
  dataset: 'fashion-mnist',
  limit: 64,
  epochs: 1,
  batchSize: 32,
};

describe('tensorfold train --dropout', () => {
  it('trains vggsmall with the given dropout rate and reports it', async () => {
    const result = await trainCommand({ ...base, model: 'vggsmall', filters: [4, 8], dropout: 0 }, quiet);
    // Dropout layers hold no weights: the count is that of the same widths.
    const expected = vggSmall({ filters: [4, 8], dropout: 0 });
    expect(result.params).toBe(expected.countParams());
    expected.dispose();
    expect(result.dropout).toBe(0);
    expect(Number.isFinite(result.testLoss)).toBe(true);
  });

  it('refuses --dropout for a model whose dropout is fixed, naming the models that take it', async () => {
    const run = () => trainCommand({ ...base, model: 'lenet5', dropout: 0.1 }, quiet);
    await expect(run()).rejects.toThrow(ConfigError);
    await expect(run()).rejects.toThrow(/--dropout applies to stackedconvnet, vggsmall/);
  });

  it('parses --dropout on the command line, and only rates in [0, 1)', () => {
    const program = buildProgram();
    let seen: Record<string, unknown> = {};
    const train = program.commands.find((command) => command.name() === 'train');
    train?.action((_target: string, flags: Record<string, unknown>) => {
      seen = flags;
    });
    program.parse(['node', 'tensorfold', 'train', 'vggsmall', '--dropout', '0.1']);
    expect(seen.dropout).toBe(0.1);
    program.parse(['node', 'tensorfold', 'train', 'vggsmall']);
    expect(seen.dropout).toBeUndefined();
    const parse = numberFrom(0, 1, '--dropout');
    expect(() => parse('1')).toThrow(InvalidArgumentError);
    expect(() => parse('-0.1')).toThrow(/--dropout must be a number from 0 up to \(not including\) 1/);
  });
});
