import type { Model, tf } from '@tensorfold/core';
import { loadWeightsByName } from '../applications/load-weights.js';
import { DIGITS_BASE_PATH, digitsBase } from './digits-base.js';

/**
 * The pretrained base shipped in this package (nothing is downloaded): {@link digitsBase} with the weights
 * that `scripts/train-digits-base.ts` learned on MNIST digits 0-4 (see the package README for its data,
 * command and accuracy). In Node, import `@tensorfold/core/node` first so file paths load; in a browser
 * the weights are fetched from beside the bundled module, or pass `source` (a URL or IOHandler).
 *
 * @example
 * const base = await loadDigitsBase();
 * const model = featureExtractor(base, { head: { numClasses: 5 } });
 */
export async function loadDigitsBase(source?: string | tf.io.IOHandler): Promise<Model> {
  const url = new URL(`../../${DIGITS_BASE_PATH}/model.json`, import.meta.url);
  const where =
    source ??
    (url.protocol === 'file:'
      ? `file://${decodeURIComponent(url.pathname).replace(/\/model\.json$/, '')}`
      : url.href);
  const base = digitsBase();
  try {
    await loadWeightsByName(base, where);
  } catch (error) {
    base.dispose();
    throw error;
  }
  return base;
}
