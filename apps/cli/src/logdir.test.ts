import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMetadataTsv, parseProjectorConfig, parseTensorTsv } from '@tensorfold/experiments';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './test-utils/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorfold-logdir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bytes of the one event file in `folder`, as Latin-1 text (tags are ASCII inside the records). */
function eventText(folder: string): string {
  const files = readdirSync(folder).filter((f) => f.startsWith('events.out.tfevents.'));
  expect(files).toHaveLength(1);
  return readFileSync(join(folder, files[0])).toString('latin1');
}

describe('tensorfold train --logdir', () => {
  it('writes the run as TensorBoard event files: train and validation scalars, hyperparameters, the model', () => {
    const logdir = join(dir, 'mlp');
    const run = runCli([
      'train',
      'mlp',
      '--limit',
      '300',
      '--epochs',
      '2',
      '--validation-split',
      '0.2',
      '--backend',
      'wasm',
      '--logdir',
      logdir,
    ]);
    expect(run.code).toBe(0);
    const train = eventText(join(logdir, 'train'));
    expect(train).toContain('brain.Event:2');
    expect(train).toContain('epoch_loss');
    expect(train).toContain('epoch_accuracy');
    expect(train).toContain('| learning_rate | 0.001 |');
    expect(train).toContain('Total params: 535,818');
    expect(train).toContain('graph_keras_model'); // TensorBoard's Graphs tab
    expect(train).toContain('tensorfold_model_graph'); // the board's diagram
    expect(eventText(join(logdir, 'validation'))).toContain('epoch_loss');
    // The projector: the penultimate layer's 256 features on the first 256 test images, after each epoch.
    const config = parseProjectorConfig(
      readFileSync(join(logdir, 'train', 'projector_config.pbtxt'), 'utf8'),
    );
    expect(config.map((e) => e.tensorName.replace(/^.*\//, ''))).toEqual(['step-0', 'step-1']);
    expect(config[1].tensorShape).toEqual([256, 256]);
    const tensors = parseTensorTsv(readFileSync(join(logdir, 'train', config[1].tensorPath), 'utf8'));
    expect([tensors.n, tensors.d]).toEqual([256, 256]);
    const { rows } = parseMetadataTsv(readFileSync(join(logdir, 'train', config[1].metadataPath!), 'utf8'));
    expect(rows).toHaveLength(256);
    expect(new Set(rows.map((r) => r[0])).size).toBe(10); // MNIST's ten digits among the labels
  }, 300_000);

  it('refuses a log directory that cannot be written before loading any data', () => {
    const run = runCli(['train', 'mlp', '--limit', '10', '--logdir', '/proc/tensorfold-logs']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('The log directory /proc/tensorfold-logs cannot be written');
    expect(run.stdout).not.toContain('Data:');
  }, 120_000);
});
