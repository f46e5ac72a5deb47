/** TensorFlow's `same` padding of one axis, for the pooling layers that pad explicitly. */

/** `[before, after]` padding of an axis of `size` for a `window` moved by `stride`, the extra cell going after. */
export function samePadding(size: number, window: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + window - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}
