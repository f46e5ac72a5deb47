/**
 * The shipped character model (an LSTM over first names, trained by `scripts/train-names.ts`), loaded from
 * the site with its vocabulary and training record, and sampled with `@tensorfold/models-rnn`'s `generate`.
 */
import type { Model } from '@tensorfold/core';
import { CharVocabulary, generate } from '@tensorfold/models-rnn';
import '@tensorfold/layers';
import { fetchJson, loadShippedModel, siteUrl, type TrainingRecord } from '../../lib/shipped';
import { NAMES_MODEL } from './names-model';

/** The model, its vocabulary and its record. */
export interface CharSampler {
  model: Model;
  vocabulary: CharVocabulary;
  record: TrainingRecord;
}

/** Loads the shipped model (`models/names-lstm/`), its vocabulary and its record from the site. */
export async function loadCharSampler(): Promise<CharSampler> {
  const folder = `models/${NAMES_MODEL.folder}/`;
  const [model, vocabulary, record] = await Promise.all([
    loadShippedModel(NAMES_MODEL.folder),
    fetchJson(siteUrl(`${folder}vocabulary.json`)),
    fetchJson(siteUrl(`${folder}training.json`)),
  ]);
  return { model, vocabulary: CharVocabulary.fromJSON(vocabulary), record: record as TrainingRecord };
}

/** Characters generated per sample. */
export const SAMPLE_LENGTH = 60;

/** Continues `prefix` (names, one a line) at `temperature` with the seeded sampler. */
export async function sampleNames(
  sampler: CharSampler,
  prefix: string,
  temperature: number,
  seed: number,
): Promise<string> {
  const { text } = await generate(sampler.model, prefix, {
    vocabulary: sampler.vocabulary,
    length: SAMPLE_LENGTH,
    temperature,
    seed,
    steps: NAMES_MODEL.steps,
  });
  return text;
}
