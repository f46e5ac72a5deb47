import {
  type KernelConfig,
  type KernelFunc,
  type SliceAttrs,
  slice_util,
  type TensorInfo,
  type UnpackAttrs,
  util,
} from '@tensorflow/tfjs-core';

/** The parts of the WASM backend a slice touches: output allocation and views of the heap. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Stock tfjs-backend-wasm 4.22's Slice starts with `readSync(x)`, which copies the whole input out of
 * the WASM heap, so taking 32 rows of a 10,000-image tensor costs as much as copying all of it (18 ms
 * against 1.6 ms for a gather here), and slicing one time step of a sequence per step makes a
 * recurrent loop quadratic. This wrapper copies only the slice, from a view of the heap: one block
 * when the slice is contiguous, else one run of the innermost axis at a time. Strings go to the stock
 * kernel.
 */
export function viewSlice(stock: KernelConfig): KernelFunc {
  return (args) => {
    const x = (args.inputs as { x: TensorInfo }).x;
    if (x.dtype === 'string') return stock.kernelFunc(args);
    const { begin, size } = args.attrs as unknown as SliceAttrs;
    const [start, extent] = slice_util.parseSliceParams(x as never, begin, size);
    return copyBlock(args.backend as unknown as HeapBackend, x, start, extent, extent);
  };
}

/**
 * Stock Unpack (`tf.unstack`, which recurrent loops use to split a sequence into steps) slices with the
 * stock slice function directly, so it too copied the whole input once per output. This wrapper copies
 * each output's block from a view of the heap.
 */
export function viewUnpack(stock: KernelConfig): KernelFunc {
  return (args) => {
    const value = (args.inputs as { value: TensorInfo }).value;
    if (value.dtype === 'string') return stock.kernelFunc(args);
    const rank = value.shape.length;
    const axis = (((args.attrs as unknown as UnpackAttrs).axis % rank) + rank) % rank;
    const extent = value.shape.map((d, i) => (i === axis ? 1 : d));
    const outShape = value.shape.filter((_, i) => i !== axis);
    const backend = args.backend as unknown as HeapBackend;
    return Array.from({ length: value.shape[axis] }, (_, k) =>
      copyBlock(
        backend,
        value,
        value.shape.map((_, i) => (i === axis ? k : 0)),
        extent,
        outShape,
      ),
    );
  };
}

/** A new tensor of shape `outShape` holding the block `[start, start + extent)` of `x`. */
function copyBlock(
  backend: HeapBackend,
  x: TensorInfo,
  start: number[],
  extent: number[],
  outShape: number[],
): TensorInfo {
  const out = backend.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(extent) === 0) return out;
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  const strides = util.computeStrides(x.shape);
  if (slice_util.isSliceContinous(x.shape, start, extent)) {
    const offset = slice_util.computeFlatOffset(start, strides);
    target.set(source.subarray(offset, offset + util.sizeFromShape(extent)));
    return out;
  }
  // Copy runs along the last axis, walking the outer axes like an odometer.
  const rank = x.shape.length;
  const run = extent[rank - 1];
  const index = new Array<number>(rank - 1).fill(0);
  const runs = util.sizeFromShape(extent.slice(0, -1));
  let written = 0;
  for (let r = 0; r < runs; r++) {
    let offset = start[rank - 1];
    for (let axis = 0; axis < rank - 1; axis++) offset += (start[axis] + index[axis]) * strides[axis];
    target.set(source.subarray(offset, offset + run), written);
    written += run;
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++index[axis] < extent[axis]) break;
      index[axis] = 0;
    }
  }
  return out;
}

/** Wraps the stock `Slice` config with {@link viewSlice}. */
export function viewSliceConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: viewSlice(stock) };
}

/** Wraps the stock `Unpack` config with {@link viewUnpack}. */
export function viewUnpackConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: viewUnpack(stock) };
}
