import {
  type backend_util,
  type DataType,
  getKernel,
  type KernelBackend,
  type KernelConfig,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { BackendError } from '@tensorfold/core';

/** Positions to drop at the start and end of one axis (see {@link KernelScope.crop}). */
export interface Crop {
  cropBefore: number;
  cropAfter: number;
}

/** The parts of tfjs-backend-wasm's backend object that the added kernels touch. */
export interface WasmBackendLike extends KernelBackend {
  disposeData(dataId: object, force?: boolean): boolean;
  /** Adds a reference to a tensor's memory (freed when the last reference is disposed). */
  incRef(dataId: object): void;
  /** Allocates an output on the WASM heap (uninitialized memory). */
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /**
   * A typed-array view of a tensor's memory on the WASM heap. A later allocation may grow the heap
   * and detach the view: allocate every output first, then take the views.
   */
  typedArrayFromHeap(info: TensorInfo): backend_util.TypedArray;
  /** The Emscripten module: its exports include the memory the tensors live in. */
  wasm?: { asm?: { memory?: WebAssembly.Memory } };
}

/**
 * Runs other WASM kernels from inside a kernel and frees their intermediate outputs.
 *
 * A kernel that is composed of other kernels (for example the filter gradient of a convolution,
 * computed as a convolution of transposed tensors) creates intermediate tensors that the engine does
 * not track. `run` records each one; `finish(result)` frees all of them except `result`, which the
 * engine then owns. Every composed kernel follows the pattern:
 *
 * ```ts
 * const scope = new KernelScope(backend);
 * try {
 *   const t = scope.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
 *   return scope.finish(scope.run('Conv2D', { x: t, filter }, attrs));
 * } finally {
 *   scope.dispose();
 * }
 * ```
 */
export class KernelScope {
  private readonly owned: TensorInfo[] = [];
  private kept: TensorInfo | null = null;

  constructor(
    readonly backend: WasmBackendLike,
    private readonly kernels: (name: string) => KernelConfig | undefined = (name) => getKernel(name, 'wasm'),
  ) {}

  /** Runs kernel `name` on `inputs` with `attrs`; the output is freed by {@link KernelScope.dispose}. */
  run(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    return this.runConfig(this.kernel(name), inputs, attrs);
  }

  /** The WASM kernel registered under `name`; throws a `BackendError` when there is none. */
  kernel(name: string): KernelConfig {
    const config = this.kernels(name);
    if (config == null) {
      throw new BackendError(
        `The WASM backend has no "${name}" kernel, which a tensorfold kernel needs. ` +
          'Use the @tensorflow/tfjs-backend-wasm version that @tensorfold/backend declares (see its package.json).',
      );
    }
    return config;
  }

  /**
   * Allocates an uninitialized tensor on the WASM heap, for a kernel that writes it from JavaScript
   * (take its view with `backend.typedArrayFromHeap` after the last allocation). Freed like the others.
   */
  allocate(shape: number[], dtype: DataType = 'float32'): TensorInfo {
    const out = this.backend.makeOutput(shape, dtype);
    this.owned.push(out);
    return out;
  }

  /** Takes ownership of outputs produced outside {@link KernelScope.run} (multi-output kernels). */
  adopt(...outputs: TensorInfo[]): void {
    this.owned.push(...outputs);
  }

  /** Runs a kernel given by its config (for a wrapper that calls the kernel it replaced). */
  runConfig(config: KernelConfig, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    const out = config.kernelFunc({ inputs, attrs, backend: this.backend }) as TensorInfo;
    this.owned.push(out);
    return out;
  }

  /** Reshapes without copying (WASM's Reshape shares the buffer). */
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** Permutes axes (a copy), skipping the work when `perm` is the identity. */
  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    if (perm.every((axis, i) => axis === i)) return this.reshape(x, x.shape);
    return this.run('Transpose', { x }, { perm });
  }

  /**
   * Drops the positions of axes 1 and 2 of an NHWC tensor that `rows` and `cols` say to crop
   * (`cropBefore`, `cropAfter`); returns `x` itself when there is nothing to crop.
   */
  crop(x: TensorInfo, [rows, cols]: [Crop, Crop]): TensorInfo {
    if (rows.cropBefore + rows.cropAfter + cols.cropBefore + cols.cropAfter === 0) return x;
    const [batch, height, width, channels] = x.shape;
    return this.run(
      'Slice',
      { x },
      {
        begin: [0, rows.cropBefore, cols.cropBefore, 0],
        size: [
          batch,
          height - rows.cropBefore - rows.cropAfter,
          width - cols.cropBefore - cols.cropAfter,
          channels,
        ],
      },
    );
  }

  /** Casts to `dtype`. */
  cast(x: TensorInfo, dtype: DataType): TensorInfo {
    return this.run('Cast', { x }, { dtype });
  }

  /** Marks `result` as the kernel's output: it survives {@link KernelScope.dispose}. */
  finish(result: TensorInfo): TensorInfo {
    this.kept = result;
    return result;
  }

  /** Frees every intermediate except the one passed to {@link KernelScope.finish}. */
  dispose(): void {
    for (const info of this.owned) {
      if (info !== this.kept) this.backend.disposeData(info.dataId);
    }
    this.owned.length = 0;
  }
}
