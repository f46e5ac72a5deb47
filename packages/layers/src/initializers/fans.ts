/**
 * Fan-in and fan-out of a weight shape, as Keras computes them: a dense kernel `[in, out]` has
 * fans (in, out); a convolution kernel `[...window, in, out]` has (in × window size,
 * out × window size); any other rank uses √size for both.
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  if (shape.length >= 3 && shape.length <= 5) {
    const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    return {
      fanIn: shape[shape.length - 2] * receptiveField,
      fanOut: shape[shape.length - 1] * receptiveField,
    };
  }
  const size = shape.reduce((a, b) => a * b, 1);
  return { fanIn: Math.sqrt(size), fanOut: Math.sqrt(size) };
}
