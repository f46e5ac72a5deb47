import { categorical, PALETTE, pca, scatter } from '@tensorfold/viz';

/** At most this many distinct labels are coloured (more, such as one word per point, would mean nothing). */
export const MAX_COLOURED_CLASSES = 20;

/** An embedding projected for the board: 3-D coordinates by PCA, the 2-D picture, colours by label. */
export interface Projection {
  /** Points and dimensions of the vectors. */
  n: number;
  d: number;
  /** `[n]` of `[pc1, pc2, pc3]` (a component beyond `d` is 0). */
  points: [number, number, number][];
  /** Share of the variance each of the three components explains, 0 to 1. */
  explained: [number, number, number];
  /** Each point's label (`null` without metadata). */
  labels: string[] | null;
  /** The coloured classes, in order, with their colours; each point's index into them (`-1`: uncoloured). */
  classes: { name: string; color: string }[];
  classOf: number[];
  /** Why the points are not coloured, when they are not. */
  note?: string;
  /** The 2-D view (the first two components), drawn by @tensorfold/viz's scatter. */
  svg2d: string;
}

/**
 * Projects `n` vectors of `d` values onto their first three principal components (viz's `pca`: power
 * iteration, fixed start and sign, so the same vectors give the same picture) and colours them by label:
 * classes sorted (numbers by value), up to {@link MAX_COLOURED_CLASSES}.
 */
export async function projectEmbedding(
  vectors: ArrayLike<number>,
  n: number,
  d: number,
  labels: string[] | null,
  title: string,
): Promise<Projection> {
  const components = Math.min(3, d);
  const { projected, explained } = pca(vectors, n, d, components);
  const points = Array.from({ length: n }, (_, i) => {
    const p: [number, number, number] = [0, 0, 0];
    for (let c = 0; c < components; c++) p[c] = projected[i * components + c];
    return p;
  });
  const shares: [number, number, number] = [explained[0] ?? 0, explained[1] ?? 0, explained[2] ?? 0];
  const names = labels
    ? [...new Set(labels)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    : [];
  const coloured = labels !== null && names.length <= MAX_COLOURED_CLASSES;
  const index = new Map(names.map((name, i) => [name, i]));
  const classOf = labels && coloured ? labels.map((l) => index.get(l) ?? -1) : new Array<number>(n).fill(-1);
  const classes = coloured ? names.map((name, i) => ({ name, color: categorical(i) })) : [];
  const percent = (share: number) => `${(100 * share).toFixed(1)}% of variance`;
  const figure = await scatter(
    points.map((p) => [p[0], p[1]]),
    {
      title: `${title}: PCA, 2-D`,
      xLabel: `PC1 (${percent(shares[0])})`,
      yLabel: `PC2 (${percent(shares[1])})`,
      width: 480,
      height: 380,
      ...(coloured && labels ? { labels: classOf, classNames: names } : {}),
    },
  );
  const note = !labels
    ? 'no labels logged'
    : coloured
      ? names.length > PALETTE.length
        ? `${names.length} classes share ${PALETTE.length} colours`
        : undefined
      : `${names.length} distinct labels: too many to colour (${MAX_COLOURED_CLASSES} at most)`;
  return {
    n,
    d,
    points,
    explained: shares,
    labels,
    classes,
    classOf,
    ...(note ? { note } : {}),
    svg2d: figure.svg,
  };
}
