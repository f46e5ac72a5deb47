/**
 * Image resizing to any size with Keras's (TensorFlow 2's `tf.image.resize`) sampling, half-pixel
 * centers, as one small matrix product per axis, so the gradient is exact on every backend (tfjs
 * 4.22's `resizeBilinear` gradient swaps height and width on non-square images).
 */
import { tf } from '@tensorfold/core';

/** How a resize samples the input: interpolating the 4 nearest pixels, or taking the nearest one. */
export type Interpolation = 'bilinear' | 'nearest';

/**
 * The `[out, n]` matrix that resamples `n` samples to `out`. Output sample `o` sits at input
 * position `(o + 0.5) · n / out − 0.5` (half-pixel centers): `bilinear` mixes the two samples around
 * it (clamped at the edges); `nearest` takes sample `floor((o + 0.5) · n / out)`, as TensorFlow does.
 */
export function resizeMatrix(n: number, out: number, interpolation: Interpolation): tf.Tensor2D {
  const m = new Float32Array(out * n);
  const scale = n / out;
  for (let o = 0; o < out; o++) {
    if (interpolation === 'nearest') {
      m[o * n + Math.max(0, Math.min(n - 1, Math.floor((o + 0.5) * scale)))] = 1;
      continue;
    }
    const position = (o + 0.5) * scale - 0.5;
    const floor = Math.floor(position);
    const lower = Math.max(floor, 0);
    const upper = Math.min(Math.ceil(position), n - 1);
    const fraction = position - floor;
    m[o * n + lower] += 1 - fraction;
    m[o * n + upper] += fraction;
  }
  return tf.tensor2d(m, [out, n]);
}

/** Resamples `x` along `axis` to `size` samples (the axis moved first, mixed by the matrix, moved back). */
function alongAxis(x: tf.Tensor, axis: number, size: number, interpolation: Interpolation): tf.Tensor {
  const n = x.shape[axis];
  if (n === size) return x;
  const order = [axis, ...x.shape.map((_, i) => i).filter((i) => i !== axis)];
  const moved = tf.transpose(x, order); // [n, ...other axes]
  const mixed = tf.matMul(resizeMatrix(n, size, interpolation), tf.reshape(moved, [n, -1])); // [size, ...]
  const back = tf.reshape(mixed, [size, ...moved.shape.slice(1)]);
  return tf.transpose(
    back,
    order.map((_, i) => order.indexOf(i)),
  );
}

/** Resizes `[batch, height, width, channels]` images to `[batch, size[0], size[1], channels]`. */
export function resizeImages(
  x: tf.Tensor4D,
  size: [number, number],
  interpolation: Interpolation,
): tf.Tensor4D {
  return tf.tidy(() => {
    const y = alongAxis(alongAxis(x, 1, size[0], interpolation), 2, size[1], interpolation);
    return (y === x ? tf.clone(x) : y) as tf.Tensor4D;
  });
}

/**
 * The largest centered window of `[height, width]` with the aspect ratio of `target`, as Keras's
 * `smart_resize` and `cropToAspectRatio` cut it: `[top, left, cropHeight, cropWidth]`.
 */
export function aspectCrop(
  height: number,
  width: number,
  target: [number, number],
): [number, number, number, number] {
  const cropHeight = Math.max(Math.min(height, Math.trunc((width * target[0]) / target[1])), 1);
  const cropWidth = Math.max(Math.min(width, Math.trunc((height * target[1]) / target[0])), 1);
  return [Math.trunc((height - cropHeight) / 2), Math.trunc((width - cropWidth) / 2), cropHeight, cropWidth];
}

/** `x` cropped to its centered window of `target`'s aspect ratio, then resized to `target` (Keras's `smart_resize`). */
export function smartResize(
  x: tf.Tensor4D,
  target: [number, number],
  interpolation: Interpolation,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [top, left, h, w] = aspectCrop(x.shape[1], x.shape[2], target);
    const cropped = tf.slice(x, [0, top, left, 0], [-1, h, w, -1]);
    return resizeImages(cropped, target, interpolation);
  });
}
