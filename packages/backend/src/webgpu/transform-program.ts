import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/** Threads per workgroup of {@link TransformProgram}. */
const WORKGROUP_SIZE = 64;

/**
 * The WebGPU shader of tensorfold's `Transform`: one thread per output element
 * (`[batch, outHeight, outWidth, channels]`), TensorFlow's ImageProjectiveTransformV3 semantics (see
 * `transformImages` for the JavaScript twin). Uniforms: `interpolationModeId` (1 nearest, 2
 * bilinear), `fillModeId` (1 constant, 2 reflect, 3 wrap, 4 nearest), `fillValue`, and
 * `transformRowStep` (1 with one transform row per image, 0 with one row for all).
 */
export class TransformProgram implements WebGPUProgram {
  readonly variableNames = ['Image', 'Transforms'];
  readonly uniforms = 'interpolationModeId : i32, fillModeId : i32, fillValue : f32, transformRowStep : i32,';
  readonly workgroupSize: [number, number, number] = [WORKGROUP_SIZE, 1, 1];
  readonly size = true;
  readonly shaderKey = 'tensorfoldTransform';
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];

  /** @param outputShape `[batch, outHeight, outWidth, channels]`. */
  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, axis) => axis) };
    // The backend splits a dispatch that exceeds the per-dimension limit.
    const size = outputShape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.ceil(size / WORKGROUP_SIZE), 1, 1];
  }

  getUserCode(): string {
    return `
      // A continuous coordinate along an axis of len pixels, placed per fill mode (then interpolated).
      fn placeCoordinate(coord : f32, len : f32) -> f32 {
        let last = len - 1.0;
        if (uniforms.fillModeId == 1) {
          return coord;
        }
        if (uniforms.fillModeId == 4 || len <= 1.0) {
          return clamp(coord, 0.0, max(last, 0.0));
        }
        var u = coord;
        if (uniforms.fillModeId == 2) {
          // reflect: mirrored copies repeat every 2 * len pixels
          let period = 2.0 * len;
          u = u - period * trunc(u / period);
          if (u < 0.0) {
            u = u + period;
          }
          if (u > last) {
            u = period - 1.0 - u;
          }
        } else if (u < 0.0) {
          // wrap, as TensorFlow's kernel: whole periods of len, counted in steps of len - 1
          u = u + len * (trunc(-u / last) + 1.0);
        } else if (u > last) {
          u = u - len * trunc(u / last);
        }
        return clamp(u, 0.0, last);
      }

      // Rounds halves away from zero, as C's round (WGSL's round goes to even).
      fn roundHalfAway(v : f32) -> i32 {
        let whole = trunc(v);
        if (abs(v - whole) >= 0.5) {
          return i32(whole + sign(v));
        }
        return i32(whole);
      }

      fn readImage(batch : i32, row : i32, col : i32, channel : i32) -> f32 {
        if (row >= 0 && row < uniforms.imageShape[1] && col >= 0 && col < uniforms.imageShape[2]) {
          return getImage(batch, row, col, channel);
        }
        return uniforms.fillValue;
      }

      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          let batch = coords[0];
          let y = f32(coords[1]);
          let x = f32(coords[2]);
          let channel = coords[3];
          let row = batch * uniforms.transformRowStep;
          let k = getTransforms(row, 6) * x + getTransforms(row, 7) * y + 1.0;
          var value = uniforms.fillValue;
          if (k != 0.0) {
            let inX = placeCoordinate(
              (getTransforms(row, 0) * x + getTransforms(row, 1) * y + getTransforms(row, 2)) / k,
              f32(uniforms.imageShape[2]));
            let inY = placeCoordinate(
              (getTransforms(row, 3) * x + getTransforms(row, 4) * y + getTransforms(row, 5)) / k,
              f32(uniforms.imageShape[1]));
            if (uniforms.interpolationModeId == 1) {
              value = readImage(batch, roundHalfAway(inY), roundHalfAway(inX), channel);
            } else {
              let x0 = floor(inX);
              let y0 = floor(inY);
              let fx = inX - x0;
              let fy = inY - y0;
              let col0 = i32(x0);
              let row0 = i32(y0);
              let top = (1.0 - fx) * readImage(batch, row0, col0, channel) +
                fx * readImage(batch, row0, col0 + 1, channel);
              let bottom = (1.0 - fx) * readImage(batch, row0 + 1, col0, channel) +
                fx * readImage(batch, row0 + 1, col0 + 1, channel);
              value = (1.0 - fy) * top + fy * bottom;
            }
          }
          setOutputAtIndex(index, value);
        }
      }
    `;
  }
}
