/**
 * Keras's automatic layer names as a fresh Keras session gives them (`conv2d`, `conv2d_1`, ...), counted per
 * model, so a family whose Keras source leaves layers unnamed (Inception v3, Xception's shortcuts) gets the
 * names that converted Keras weights carry, whatever was built before in this process.
 */
export class KerasNames {
  private readonly counts = new Map<string, number>();

  /** The next name for `base` (Keras's snake-case class name): `base`, then `base_1`, `base_2`... */
  next(base: string): string {
    const n = this.counts.get(base) ?? 0;
    this.counts.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }
}
