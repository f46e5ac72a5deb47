/**
 * tensorfold's side of the backend-training yardstick in a worker process of its own, speaking the
 * PyTorch peer's protocol (pytorch_training.py): one JSON request a line on stdin, `{"network": "mlp" |
 * "lenet5", "steps": N, "threads": T}`, answered with `{"seconds": S, "cpu_seconds": C}` (wall time of
 * the N steps, and this process's CPU time in them, all its threads). T > 1 runs tensorfold's WASM
 * kernels on their thread pool (its size set by `TENSORFOLD_WASM_THREADS`), T = 1 on the calling
 * thread alone. The first request for a network builds it; the first for a (network, threads) pair
 * warms it up for at least 1 s and 5 steps, as the PyTorch worker does. Exits when stdin closes.
 *
 * Started by `calibrate`'s `tensorfold-processes` A/A (several processes of ours against several
 * more): whether a process of ours is a speed draw of its own, as a PyTorch process is.
 */
import { createInterface } from 'node:readline';
import { setThreadedKernelsEnabled } from '@tensorfold/backend/testing';
import { useBackend } from '../backends.js';
import { batchAt, disposeBatches, randomBatches, type TrainingBatches } from '../training-data.js';
import { type NetworkName, TRAINING_INPUT, type Trainable, tensorfoldModel } from '../training-models.js';

const WARMUP_SECONDS = 1;
const WARMUP_STEPS = 5;

interface Trainer {
  model: Trainable;
  /** One batch: `[batch, ...input shape]` and one-hot `[batch, 10]`. */
  data: TrainingBatches;
  warm: Set<number>;
}

/** This process's CPU seconds so far, all its threads (as PyTorch's `time.process_time()`). */
function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

async function steps(trainer: Trainer, count: number): Promise<void> {
  const { x, y } = batchAt(trainer.data, 0);
  for (let i = 0; i < count; i++) await trainer.model.trainOnBatch(x, y);
}

async function main() {
  await useBackend('wasm');
  const trainers = new Map<NetworkName, Trainer>();
  for await (const line of createInterface({ input: process.stdin })) {
    const request = JSON.parse(line) as {
      network: NetworkName;
      steps: number;
      threads: number;
      data?: string;
    };
    const network = request.network;
    if (!(network in TRAINING_INPUT))
      throw new Error(`tensorfold_worker: unknown network ${network}: mlp or lenet5.`);
    if (request.data != null)
      throw new Error('tensorfold_worker trains its own random batch only: leave the data file out.');
    setThreadedKernelsEnabled(request.threads > 1);
    let trainer = trainers.get(network);
    if (trainer == null) {
      trainer = {
        model: tensorfoldModel(network),
        // the suite's seeded random batch (training-data.ts)
        data: randomBatches(TRAINING_INPUT[network].batch, TRAINING_INPUT[network].inputShape),
        warm: new Set(),
      };
      trainers.set(network, trainer);
    }
    if (!trainer.warm.has(request.threads)) {
      trainer.warm.add(request.threads);
      const start = performance.now();
      for (let i = 0; i < WARMUP_STEPS || performance.now() - start < WARMUP_SECONDS * 1000; i++)
        await steps(trainer, 1);
    }
    const [start, cpuStart] = [performance.now(), cpuSeconds()];
    await steps(trainer, request.steps);
    const seconds = (performance.now() - start) / 1000;
    process.stdout.write(`${JSON.stringify({ seconds, cpu_seconds: cpuSeconds() - cpuStart })}\n`);
  }
  for (const trainer of trainers.values()) {
    trainer.model.dispose();
    disposeBatches(trainer.data);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
