import { ConfigError } from '@tensorfold/core';
import { vggSmall } from '@tensorfold/models-cnn';
import { describe, expect, it } from 'vitest';
import { trainCommand } from './commands/train.js';
import { learningRateOver } from './commands/train-extras.js';
import { buildProgram } from './program.js';
import { quietOutput as quiet } from './test-utils/quiet-output.js';

const base = {
  optimizer: 'adam' as const,
  validationSplit: 0,
  backend: 'wasm' as const,
  seed: 5,
  json: true,
  dataset: 'fashion-mnist',
};

describe('tensorfold train --filters and --lr-schedule', () => {
  it('builds vggsmall with the given block widths and trains it with a cosine-decayed rate', async () => {
    const result = await trainCommand(
      {
        ...base,
        model: 'vggsmall',
        filters: [4, 8],
        lrSchedule: 'cosine',
        limit: 128,
        epochs: 1,
        batchSize: 32,
      },
      quiet,
    );
    const expected = vggSmall({ filters: [4, 8] });
    expect(result.params).toBe(expected.countParams());
    expected.dispose();
    expect(result.params).not.toBe(586_282); // not the default widths
    expect(Number.isFinite(result.testLoss)).toBe(true);
    expect(result.filters).toEqual([4, 8]);
    expect(result.lrSchedule).toBe('cosine');
  });

  it('refuses --filters for a model with fixed widths', async () => {
    const run = trainCommand({ ...base, model: 'lenet5', filters: [4, 8], limit: 64, epochs: 1 }, quiet);
    await expect(run).rejects.toThrow(ConfigError);
    await expect(
      trainCommand({ ...base, model: 'lenet5', filters: [4, 8], limit: 64, epochs: 1 }, quiet),
    ).rejects.toThrow(/--filters applies to stackedconvnet, vggsmall, resnetsmall/);
  });

  it('decays the rate from --lr to 0 over every step of the run, as Keras CosineDecay', () => {
    expect(learningRateOver(undefined, 1e-3, 100)).toBe(1e-3);
    expect(learningRateOver('constant', 1e-3, 100)).toBe(1e-3);
    const cosine = learningRateOver('cosine', 1e-3, 100);
    if (typeof cosine === 'number') throw new Error('expected a schedule');
    expect(cosine.at(0)).toBeCloseTo(1e-3, 9);
    expect(cosine.at(50)).toBeCloseTo(5e-4, 9);
    expect(cosine.at(100)).toBeCloseTo(0, 9);
    expect(cosine.at(150)).toBeCloseTo(0, 9);
  });

  it('parses --filters, --lr-schedule and finetune --resize on the command line', () => {
    const program = buildProgram();
    const seen: Record<string, Record<string, unknown>> = {};
    for (const command of program.commands)
      command.action((_target: string, flags: Record<string, unknown>) => {
        seen[command.name()] = flags;
      });
    program.parse([
      'node',
      'tensorfold',
      'train',
      'vggsmall',
      '--filters',
      '16,32,64',
      '--lr-schedule',
      'COSINE',
    ]);
    expect(seen.train.filters).toEqual([16, 32, 64]);
    expect(seen.train.lrSchedule).toBe('cosine');
    program.parse(['node', 'tensorfold', 'train', 'vggsmall']);
    expect(seen.train.lrSchedule).toBe('constant');
    program.parse([
      'node',
      'tensorfold',
      'finetune',
      'digits-base',
      '--dataset',
      'fashion-mnist',
      '--resize',
    ]);
    expect(seen.finetune.resize).toBe(true);
  });
});
