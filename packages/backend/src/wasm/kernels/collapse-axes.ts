/**
 * Shape arithmetic that brings tensors of any rank to the few axes XNNPACK accepts
 * (`XNN_MAX_TENSOR_DIMS`, 6 in tfjs-backend-wasm 4.22), without changing which elements meet.
 */

/** XNNPACK's largest rank: its n-d operators fail (status 4) above it and leave the output unwritten. */
export const XNN_MAX_RANK = 6;

/** Two broadcast operands and their output, with the same number of axes. */
export interface CollapsedBroadcast {
  a: number[];
  b: number[];
  out: number[];
}

/**
 * The shapes of a binary element-wise op on `aShape` and `bShape` (which must broadcast, numpy style)
 * after merging neighbouring axes that broadcast alike: both operands full, only `a` broadcast, or
 * only `b` broadcast. Axes of size 1 in the output are dropped. Row-major order is kept, so the
 * operands and the output can be reshaped to these shapes without copying, and element `i` of the
 * collapsed op is element `i` of the original. `[2,2,2,2,2,2,3] - [2,2,2,2,2,2,3]` becomes
 * `[192] - [192]`; `[4, 5, 6] + [5, 1]` becomes `[4, 5, 6] + [1, 5, 1]`. Always at least one axis.
 */
export function collapseBroadcast(aShape: readonly number[], bShape: readonly number[]): CollapsedBroadcast {
  const rank = Math.max(aShape.length, bShape.length);
  const a = [...new Array<number>(rank - aShape.length).fill(1), ...aShape];
  const b = [...new Array<number>(rank - bShape.length).fill(1), ...bShape];
  const result: CollapsedBroadcast = { a: [], b: [], out: [] };
  let lastKind = '';
  for (let i = 0; i < rank; i++) {
    const out = a[i] === 1 ? b[i] : a[i];
    if (out === 1) continue;
    // Which operand is read whole along this axis (an empty axis counts as full for both).
    const kind = `${a[i] === out ? 'a' : '-'}${b[i] === out ? 'b' : '-'}`;
    const n = result.out.length;
    if (kind === lastKind) {
      result.out[n - 1] *= out;
      result.a[n - 1] *= a[i];
      result.b[n - 1] *= b[i];
    } else {
      result.out.push(out);
      result.a.push(a[i]);
      result.b.push(b[i]);
      lastKind = kind;
    }
  }
  if (result.out.length === 0) return { a: [1], b: [1], out: [1] };
  return result;
}

/** A tensor shape with per-axis padding, as `PadV2` takes it. */
export interface CollapsedPad {
  shape: number[];
  paddings: Array<[number, number]>;
}

/**
 * The same padding on fewer axes: an axis is merged with the axes inside it when those are not padded
 * (padding an outer axis by `p` adds `p` whole blocks of the inner ones), and unpadded axes of size 1
 * are dropped. `[2,2,2,2,2,2,3]` padded by `[1, 2]` on axis 1 and `[0, 1]` on axis 6 becomes
 * `[2, 32, 3]` padded by `[16, 32]` on axis 1 and `[0, 1]` on axis 2. Always at least one axis.
 */
export function collapsePad(
  shape: readonly number[],
  paddings: ReadonlyArray<readonly [number, number]>,
): CollapsedPad {
  const dims: number[] = [];
  const pads: Array<[number, number]> = [];
  for (let i = shape.length - 1; i >= 0; i--) {
    const [before, after] = paddings[i];
    const unpadded = before === 0 && after === 0;
    if (unpadded && shape[i] === 1) continue;
    const innerUnpadded = pads.length > 0 && pads[0][0] === 0 && pads[0][1] === 0;
    if (innerUnpadded) {
      const inner = dims[0];
      dims[0] = shape[i] * inner;
      pads[0] = [before * inner, after * inner];
    } else {
      dims.unshift(shape[i]);
      pads.unshift([before, after]);
    }
  }
  if (dims.length === 0) return { shape: [1], paddings: [[0, 0]] };
  return { shape: dims, paddings: pads };
}
