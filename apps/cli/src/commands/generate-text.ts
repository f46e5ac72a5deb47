/**
 * `tensorfold generate-text <saved char model>`: continues a text with a character language model saved by
 * `tensorfold train charlm --out DIR`, sampling each character at a temperature with a seeded generator.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { initBackend } from '@tensorfold/backend';
import { fileSystem, loadModel, MODEL_JSON, SerializationError } from '@tensorfold/core/node';
import type { Output } from '../output.js';
import { SEQUENCE_JSON } from './train-sequence.js';

/** Options of {@link generateTextCommand}. */
export interface GenerateTextOptions {
  /** The saved model's directory or its `model.json`. */
  model: string;
  /** Characters to generate. */
  length: number;
  /** Sampling temperature, > 0. */
  temperature: number;
  /** Seed of the sampling. */
  seed: number;
  /** Text to continue. Default: a newline. */
  prompt?: string;
}

/** What `generate-text` reports (the `--json` line). */
export interface GenerateTextResult {
  prompt: string;
  text: string;
  temperature: number;
  seed: number;
  /** Characters of the prompt outside the model's vocabulary (read as OOV). */
  unknownInPrompt: number;
}

/** Runs `tensorfold generate-text`. */
export async function generateTextCommand(
  options: GenerateTextOptions,
  out: Output,
): Promise<GenerateTextResult> {
  const rnn = await import('@tensorfold/models-rnn');
  const dir = basename(options.model) === MODEL_JSON ? dirname(options.model) : options.model;
  const sidecar = join(dir, SEQUENCE_JSON);
  let meta: { task?: string; vocabulary?: unknown; steps?: number };
  try {
    meta = JSON.parse(await readFile(sidecar, 'utf8'));
  } catch (error) {
    throw new SerializationError(
      `${sidecar} could not be read (${(error as Error).message}); generate-text needs a character model saved by 'tensorfold train charlm --out DIR'.`,
    );
  }
  if (meta.task !== 'generate-text')
    throw new SerializationError(
      `${dir} holds a ${meta.task ?? 'unknown'} model, not a character language model; train one with 'tensorfold train charlm --out DIR'.`,
    );
  const vocabulary = rnn.CharVocabulary.fromJSON(meta.vocabulary);
  await initBackend({ prefer: 'wasm' });
  await import('@tensorfold/layers');
  const model = await loadModel(fileSystem(dir));
  try {
    const prompt = options.prompt ?? '\n';
    const { text, unknownInSeed } = await rnn.generate(model, prompt, {
      vocabulary,
      length: options.length,
      temperature: options.temperature,
      seed: options.seed,
      steps: meta.steps,
    });
    if (unknownInSeed > 0)
      out.error(
        `${unknownInSeed} character(s) of the prompt are not in the model's vocabulary; they were read as unknown.`,
      );
    out.line(prompt + text);
    return {
      prompt,
      text,
      temperature: options.temperature,
      seed: options.seed,
      unknownInPrompt: unknownInSeed,
    };
  } finally {
    model.dispose();
  }
}
