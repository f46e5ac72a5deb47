import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError, tf } from '@tensorfold/core';
import { afterAll, describe, expect, it } from 'vitest';
import { trainCommand } from './commands/train.js';
import type { Output } from './output.js';
import { buildProgram } from './program.js';
import { runCli, spawnCli } from './test-utils/cli-process.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs the CLI in this process, capturing what it prints. */
async function run(args: string[]): Promise<{ lines: string[]; progress: string }> {
  const lines: string[] = [];
  let progress = '';
  const output = (): Output => ({
    line: (t) => lines.push(t),
    error: (t) => lines.push(t),
    progress: {
      write: (chunk: string) => {
        progress += chunk;
        return true;
      },
      isTTY: false,
    },
  });
  await buildProgram(output).parseAsync(['node', 'tensorfold', ...args]);
  return { lines, progress };
}

/** Runs the real executable in a child process (for exit codes and stderr), by default on the CPU backend. */
function runProcess(args: string[], env: NodeJS.ProcessEnv = { TENSORFOLD_BACKEND: 'cpu' }) {
  return runCli(args, env);
}

describe('tensorfold train', () => {
  it('trains an MLP on real MNIST, shows progress, reports JSON last, and saves a model that loads', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tensorfold-cli-'));
    dirs.push(out);
    const { lines, progress } = await run([
      'train',
      'mlp',
      '--dataset',
      'mnist',
      '--limit',
      '3000',
      '--epochs',
      '2',
      '--backend',
      'wasm',
      '--validation-split',
      '0.1',
      '--out',
      out,
      '--json',
    ]);
    expect(progress).toMatch(/Epoch 1\/2 .*loss: .*accuracy: /);
    expect(progress).toMatch(/Epoch 2\/2 .*val_loss: /);
    const result = JSON.parse(lines.at(-1) as string);
    expect(result).toMatchObject({
      model: 'mlp',
      dataset: 'mnist',
      backend: 'wasm',
      epochs: 2,
      params: 535818,
      trainSamples: 2700,
    });
    for (const key of ['samplesPerSecond', 'trainLoss', 'trainAccuracy', 'testAccuracy', 'valAccuracy']) {
      expect(typeof result[key]).toBe('number');
    }
    expect(result.testAccuracy).toBeGreaterThan(0.85);
    expect(result.savedTo).toBe(out);
    expect(readdirSync(out)).toContain('model.json');
    expect(lines.some((l) => l.startsWith('Test accuracy:'))).toBe(true);

    const summary = await run(['summary', out]);
    expect(summary.lines.join('\n')).toContain('Total params: 535,818');
    // The model.json file itself names the model too.
    const fromFile = await run(['summary', join(out, 'model.json')]);
    expect(fromFile.lines.join('\n')).toContain('Total params: 535,818');
    // A fresh process, where nothing has started a backend or loaded the optimizers yet.
    const fresh = runProcess(['summary', out]);
    expect(fresh.stdout).toContain('Total params: 535,818');
    expect(fresh.code).toBe(0);
  });

  it('is repeatable: the same seed gives the same result', async () => {
    const args = [
      'train',
      'mlp',
      '--limit',
      '512',
      '--epochs',
      '1',
      '--backend',
      'wasm',
      '--seed',
      '7',
      '--json',
    ];
    const a = JSON.parse((await run(args)).lines.at(-1) as string);
    const b = JSON.parse((await run(args)).lines.at(-1) as string);
    expect(b.trainLoss).toBe(a.trainLoss);
    expect(b.testAccuracy).toBe(a.testAccuracy);
  });
});

describe('tensorfold train --validation-split', () => {
  it('reports the number of samples fit trained on', async () => {
    // As in Keras, fit trains on floor(100 * (1 - 0.377)) = 62 samples and validates on 38.
    const args = ['train', 'mlp', '--limit', '100', '--validation-split', '0.377', '--backend', 'wasm'];
    const { lines, progress } = await run([...args, '--json']);
    const result = JSON.parse(lines.at(-1) as string);
    expect(result.trainSamples).toBe(62);
    expect(progress).toMatch(/Epoch 1\/3 - 1\/1 /); // 62 samples fit in one batch of 128
  });
});

describe('an interrupted run', () => {
  it('stops at Ctrl-C after the current batch, then tests, reports and saves the model as usual', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tensorfold-cli-sigint-'));
    dirs.push(out);
    const child = spawnCli([
      'train',
      'lenet5',
      '--limit',
      '20000',
      '--epochs',
      '3',
      '--backend',
      'wasm',
      '--out',
      out,
      '--json',
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    let interrupted = false;
    const code = await new Promise<number | null>((done) => {
      // With --json the lines for people come on stderr.
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        // Training has begun once the model line is out; interrupt shortly after.
        if (stderr.includes('Model:') && !interrupted) {
          interrupted = true;
          setTimeout(() => child.kill('SIGINT'), 1000);
        }
      });
      child.on('close', done);
    });
    expect(stderr).toMatch(/Interrupted: stopping after the current batch/);
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(result).toMatchObject({ interrupted: true, epochs: 1, savedTo: out });
    // Throughput counts the samples trained before the stop, not the whole epoch's.
    expect(result.samplesPerSecond * result.trainSeconds).toBeLessThan(0.9 * result.trainSamples);
    expect(typeof result.testAccuracy).toBe('number');
    expect(readdirSync(out)).toContain('model.json');
  });
});

describe('the interruption notice', () => {
  it('comes at once, on a line of its own after the progress bar of a terminal', async () => {
    let transcript = ''; // what a terminal shows: the bar and the notices, in order
    const interruption = new AbortController();
    const output: Output = {
      line: () => {},
      error: (text) => {
        transcript += `${text}\n`;
      },
      progress: {
        write: (chunk: string) => {
          transcript += chunk;
          // Interrupt mid-epoch, between two batches, as a real Ctrl-C does.
          if (/Epoch 1\/1 +\d+\/63 /.test(transcript)) setTimeout(() => interruption.abort(), 0);
          return true;
        },
        isTTY: true,
        columns: 120,
      },
    };
    const result = await trainCommand(
      {
        model: 'mlp',
        dataset: 'mnist',
        optimizer: 'adam',
        validationSplit: 0,
        backend: 'wasm',
        seed: 1,
        json: false,
        limit: 2000,
        batchSize: 32,
        epochs: 1,
        signal: interruption.signal,
      },
      output,
    );
    expect(result.interrupted).toBe(true);
    expect(transcript).toMatch(/\[[=>.]+\][^\n]*\nInterrupted: stopping after the current batch/);
  });
});

describe('Ctrl-C before training begins', () => {
  it('ends the run with exit code 130, training, testing and saving nothing', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tensorfold-cli-early-')), 'model');
    dirs.push(dirname(out));
    const args = ['train', 'mlp', '--epochs', '1', '--backend', 'wasm', '--out', out, '--json'];
    const child = spawnCli(args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const code = await new Promise<number | null>((done) => {
      // With --json the lines for people come on stderr.
      child.stderr.on('data', (chunk) => {
        // The backend has started; the 60,000 training images are loading now.
        if (!stderr.includes('Backend:') && `${stderr}${chunk}`.includes('Backend:')) child.kill('SIGINT');
        stderr += chunk;
      });
      child.on('close', done);
    });
    expect(stderr).toMatch(
      /Interrupted: stopping before training begins; nothing will be trained or saved\./,
    );
    expect(stderr).toMatch(
      /error: Interrupted before training began: nothing was trained, tested or saved\./,
    );
    expect(stderr).not.toMatch(/Epoch 1/);
    expect(stdout).not.toMatch(/Test accuracy|"model"/);
    expect(code).toBe(130);
    expect(existsSync(out)).toBe(false);
  });
});

describe('trainCommand as a library', () => {
  it("frees its own tensors and leaves the caller's variables alone", async () => {
    const quiet: Output = { line: () => {}, error: () => {}, progress: { write: () => true } };
    const options = {
      model: 'mlp',
      dataset: 'mnist',
      optimizer: 'adam' as const,
      validationSplit: 0,
      backend: 'wasm' as const,
      seed: 3,
      json: false,
      limit: 64,
      epochs: 1,
    };
    await trainCommand(options, quiet); // the first run starts the backend
    const initial = tf.ones([3]);
    const mine = tf.variable(initial);
    initial.dispose(); // the variable alone holds the values now
    const before = tf.memory().numTensors;
    await trainCommand(options, quiet);
    expect(tf.engine().state.registeredVariables[mine.name]).toBe(mine);
    expect(Array.from(await mine.data())).toEqual([1, 1, 1]);
    expect(tf.memory().numTensors).toBe(before);
    mine.dispose();

    // A failure after the data is loaded (here the optimizer refuses the rate) frees it too.
    const start = tf.memory().numTensors;
    await expect(trainCommand({ ...options, lr: -1 }, quiet)).rejects.toThrow(ConfigError);
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('names on the command line', () => {
  it('are case-insensitive for every named choice, as for models and backends', async () => {
    const args = ['train', 'MLP', '--dataset', 'MNIST', '--optimizer', 'SGD', '--backend', 'WASM'];
    const { lines } = await run([...args, '--limit', '64', '--epochs', '1', '--json']);
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({
      model: 'mlp',
      dataset: 'mnist',
      optimizer: 'sgd',
      backend: 'wasm',
    });
  });
});

describe('tensorfold summary and models', () => {
  it("prints LeNet-5's table with the slides' 62,430 parameters", async () => {
    const { lines } = await run(['summary', 'lenet5']);
    const text = lines.join('\n');
    for (const count of ['80', '3,216', '48,120', '10,164', '850'])
      expect(text).toMatch(new RegExp(`\\s${count}\\s*\\n`));
    expect(text).toContain('Total params: 62,430');
  });

  it('prints a built-in model in a fresh process (no backend started by an earlier command)', () => {
    const { code, stdout, stderr } = runProcess(['summary', 'lenet5'], {});
    expect(stdout).toContain('Total params: 62,430');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('--help shows examples that run and the exit codes', () => {
    const top = runProcess(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Examples:\n {2}tensorfold train lenet5 --dataset mnist /);
    expect(top.stdout).toMatch(/Exit codes: 0 success, 1 .*, 2 .*\n.*130 Ctrl-C before training began/);
    const train = runProcess(['train', '--help']);
    expect(train.code).toBe(0);
    expect(train.stdout.replace(/\s+/g, ' ')).toContain(
      '--json print one line of JSON describing the run on stdout, and everything else on stderr',
    );
    expect(train.stdout).toMatch(/Examples:\n {2}tensorfold train lenet5 --dataset mnist --epochs 2 /);
    // Every flag a train example uses exists, with a valid value: commander accepts its command line.
    const examples = `${top.stdout}\n${train.stdout}`.match(/^ {2}tensorfold train .*$/gm) ?? [];
    expect(examples.length).toBe(12);
    for (const example of examples) {
      const args = example
        .trim()
        .split(/\s{2,}/)[0]
        .split(' ')
        .slice(1);
      const program = buildProgram();
      for (const command of program.commands) command.action(() => {});
      expect(() => program.parse(['node', 'tensorfold', ...args])).not.toThrow();
    }
  });

  it('lists models and datasets', async () => {
    const { lines } = await run(['models']);
    expect(lines.join('\n')).toMatch(/lenet5[\s\S]*mlp[\s\S]*mnist/);
  });
});

describe('bad input', () => {
  it('exits 2 with a message naming the fix for bad flags and values', () => {
    const cases: Array<[string[], RegExp]> = [
      [['train', 'lenet5', '--epochs', '0'], /--epochs must be a whole number >= 1/],
      [['train', 'lenet5', '--lr', 'fast'], /--lr must be a number > 0 that a 32-bit float holds/],
      [
        ['train', 'mlp', '--limit', '64', '--epochs', '1', '--seed', '4294967338'],
        /--seed must be a whole number from 0 to 4294967295/,
      ],
      [['train', 'lenet5', '--dataset', 'cifar'], /Allowed choices are mnist, fashion-mnist/],
      [['train', 'lenet5', '--bogus'], /unknown option '--bogus'/],
      [
        ['train', 'resnet'],
        /Unknown model "resnet". Available models: lenet5, lenet5-classic, .*resnet50.*mlp/,
      ],
      [['trian'], /unknown command 'trian'[\s\S]*train/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = runProcess(args);
      expect(stderr).toMatch(message);
      expect(code).toBe(2);
    }
  });

  it('reads the flags after a `--` in front of the command (`pnpm tensorfold -- train ...`)', () => {
    // pnpm passes the `--` on to the script; npm drops it.
    const { code, stderr } = runProcess(['--', 'train', 'mlp', '--epochs', '0']);
    expect(stderr).toMatch(/--epochs must be a whole number >= 1, got "0"/);
    expect(code).toBe(2);
    const help = runProcess(['--', 'train', '--help']);
    expect(help.stdout).toMatch(/^Usage: tensorfold train \[options\] <model>/);
    expect(help.code).toBe(0);
  });

  it('rejects an --out that cannot hold a model before training, and leaves the path alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensorfold-cli-out-'));
    dirs.push(dir);
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'keep me');
    for (const out of [file, join(file, 'model')]) {
      const { code, stdout, stderr } = runProcess(['train', 'mlp', '--limit', '64', '--out', out]);
      expect(stderr).toMatch(/--out .* is not a directory/);
      expect(stderr).not.toMatch(/\bat .*\.ts:\d+/); // a message, not a stack trace
      expect(stdout).not.toMatch(/Epoch 1/); // refused before any training
      expect(code).toBe(2);
    }
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    // An empty --out (a variable that was not set, say) would otherwise mean the current directory.
    const empty = runProcess(['train', 'mlp', '--limit', '64', '--out', '']);
    expect(empty.stderr).toMatch(/--out needs a directory/);
    expect(empty.code).toBe(2);

    // The library entry point refuses it too, before loading data or training.
    const progress: string[] = [];
    const output: Output = {
      line: (t) => progress.push(t),
      error: (t) => progress.push(t),
      progress: { write: (t: string) => progress.push(t) },
    };
    const options = {
      model: 'mlp',
      dataset: 'mnist',
      optimizer: 'adam' as const,
      validationSplit: 0,
      backend: 'cpu' as const,
      seed: 1,
      json: false,
      limit: 64,
    };
    await expect(trainCommand({ ...options, out: file }, output)).rejects.toThrow(ConfigError);
    expect(progress).toEqual([]);
  });

  it('summary: an unknown model is a usage error, a directory without a model says so', () => {
    const unknown = runProcess(['summary', 'resnet']);
    expect(unknown.stderr).toMatch(
      /"resnet" is neither a built-in model \(lenet5, lenet5-classic, .*resnet50.*mlp.*\) nor a saved model/,
    );
    expect(unknown.code).toBe(2);
    const empty = mkdtempSync(join(tmpdir(), 'tensorfold-cli-empty-'));
    dirs.push(empty);
    const noModel = runProcess(['summary', empty]);
    expect(noModel.stderr).toMatch(/error: No model at .*model\.json does not exist/);
    expect(noModel.code).toBe(1);
    const other = join(empty, 'notes.txt');
    writeFileSync(other, 'not a model');
    const notModel = runProcess(['summary', other]);
    expect(notModel.stderr).toMatch(
      /error: .*notes\.txt is a file but not a model\.json; pass a saved model's directory/,
    );
    expect(notModel.code).toBe(1);
    const missing = runProcess(['summary', join(empty, 'gone')]);
    expect(missing.stderr).toMatch(/neither a built-in model .* nor a saved model/);
    expect(missing.code).toBe(2);
  });

  it('a --validation-split that leaves no training sample names the flags to change', () => {
    const { code, stdout, stderr } = runProcess([
      'train',
      'mlp',
      '--limit',
      '10',
      '--validation-split',
      '0.95',
    ]);
    expect(stderr).toMatch(
      /error: --validation-split 0.95 of 10 training samples leaves 0 for training and 10 for validation; both need at least one: pass a smaller --validation-split or a larger --limit\./,
    );
    expect(stdout).not.toMatch(/Epoch 1/);
    expect(code).toBe(1);
  });

  it('--backend wins over TENSORFOLD_BACKEND, which applies only with --backend auto', () => {
    // runProcess sets TENSORFOLD_BACKEND=cpu.
    const args = ['train', 'mlp', '--limit', '64', '--epochs', '1', '--json'];
    const flagged = runProcess([...args, '--backend', 'wasm']);
    expect(flagged.code).toBe(0);
    // With --json, stdout is one JSON document (for `> run.json` or `| jq`); the rest goes to stderr.
    expect(JSON.parse(flagged.stdout).backend).toBe('wasm');
    expect(flagged.stderr).toMatch(/Backend: wasm[\s\S]*Epoch 1\/1[\s\S]*Test accuracy: /);
    // (With --backend auto the variable decides: see the next test.)
  });

  it('exits 1 with the reason when a forced backend cannot start', () => {
    const result = runCli(['train', 'mlp', '--limit', '10'], { TENSORFOLD_BACKEND: 'quantum' });
    expect(result.stderr).toMatch(/error: .*quantum/);
    expect(result.code).toBe(1);
  });
});
