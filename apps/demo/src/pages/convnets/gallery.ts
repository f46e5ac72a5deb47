/**
 * The architecture gallery: every image classifier `@tensorfold/models-cnn` describes, with the
 * parameter count its description states and, for the small ones, the count of a model built live.
 */
import type { Model, ModelDescription } from '@tensorfold/core';

/** One row of the gallery. */
export interface GalleryRow {
  name: string;
  summary: string;
  source: string;
  /** The parameter count the summary states (the first "N params" in it), or `null` when it states none. */
  stated: number | null;
  /** Whether the page builds it (small models on 28 x 28 digits; the ImageNet networks are not built). */
  buildable: boolean;
}

/** The first parameter count a summary states: `62,430 params` → 62430; `null` when none. */
export function statedParams(summary: string): number | null {
  const match = /([\d,]+) params/.exec(summary);
  return match ? Number(match[1].replaceAll(',', '')) : null;
}

/** The gallery rows of `models` (the image classifiers among them), in their order. */
export function galleryRows(models: readonly ModelDescription<unknown>[]): GalleryRow[] {
  return models
    .filter((m) => m.task === 'classify-images')
    .map((m) => ({
      name: m.name,
      summary: m.summary,
      source: m.source ?? '',
      stated: statedParams(m.summary),
      buildable: !m.datasets.includes('imagenet'),
    }));
}

/** Builds the described model for 28 x 28 digits (10 classes), counts its parameters and frees it. */
export async function countBuilt(description: ModelDescription<unknown>): Promise<number> {
  const model = (await description.build({ inputShape: [28, 28, 1], numClasses: 10 })) as Model;
  try {
    return model.countParams();
  } finally {
    model.dispose();
  }
}
