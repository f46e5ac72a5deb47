/**
 * Colours: a categorical palette for classes and series, and continuous colour maps for heatmaps.
 */

/** Ten distinct colours (Tableau 10), in order; more classes than this repeat them (see {@link categorical}). */
export const PALETTE: readonly string[] = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** Colour `i` of the palette, cycling past its end. */
export function categorical(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** The note a figure carries when `count` classes share {@link PALETTE}'s colours. */
export function paletteNote(count: number): string | undefined {
  return count > PALETTE.length
    ? `${count} classes but ${PALETTE.length} colours: colours repeat every ${PALETTE.length} classes (class k and k+${PALETTE.length} look alike).`
    : undefined;
}

/** A continuous colour map: a value in [0, 1] to `[r, g, b]` bytes. */
export type ColorMap = (t: number) => [number, number, number];

function fromStops(stops: [number, number, number][]): ColorMap {
  return (t) => {
    const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(x));
    const f = x - i;
    const a = stops[i];
    const b = stops[i + 1];
    return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
  };
}

/** The named colour maps. viridis (perceptually uniform), jet (as Grad-CAM pictures use), blues, grays. */
export const COLOR_MAPS: Record<'viridis' | 'jet' | 'blues' | 'grays' | 'magma', ColorMap> = {
  viridis: fromStops([
    [68, 1, 84],
    [72, 40, 120],
    [62, 74, 137],
    [49, 104, 142],
    [38, 130, 142],
    [31, 158, 137],
    [53, 183, 121],
    [109, 205, 89],
    [180, 222, 44],
    [253, 231, 37],
  ]),
  magma: fromStops([
    [0, 0, 4],
    [28, 16, 68],
    [79, 18, 123],
    [129, 37, 129],
    [181, 54, 122],
    [229, 80, 100],
    [251, 135, 97],
    [254, 194, 135],
    [252, 253, 191],
  ]),
  jet: fromStops([
    [0, 0, 128],
    [0, 0, 255],
    [0, 128, 255],
    [0, 255, 255],
    [128, 255, 128],
    [255, 255, 0],
    [255, 128, 0],
    [255, 0, 0],
    [128, 0, 0],
  ]),
  blues: fromStops([
    [247, 251, 255],
    [198, 219, 239],
    [107, 174, 214],
    [33, 113, 181],
    [8, 48, 107],
  ]),
  grays: fromStops([
    [0, 0, 0],
    [255, 255, 255],
  ]),
};

/** Name of a colour map in {@link COLOR_MAPS}. */
export type ColorMapName = keyof typeof COLOR_MAPS;

/** `[r, g, b]` as `#rrggbb`. */
export function hex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Black or white, whichever reads better on `[r, g, b]`. */
export function contrastText([r, g, b]: [number, number, number]): string {
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#222' : '#ffffff';
}
