import {
  engine,
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

/** Marks the kernel configs a {@link KernelReplacement} registered, so registering again is a no-op. */
const REPLACEMENT = Symbol.for('@tensorfold/backend:replaced-kernel');

type MarkedConfig = KernelConfig & { [REPLACEMENT]?: true };

/** What a {@link KernelReplacement} registers for one backend. */
export interface KernelSet {
  /** Kernels the stock backend lacks: registered only where no kernel of that name exists. */
  added?: readonly KernelConfig[];
  /** Kernels that take the stock kernel's place (or are added where a stock one is missing). */
  replaced?: readonly KernelConfig[];
  /** Wrappers around stock kernels, by kernel name: each builds its config from the stock config. */
  wrapped?: Readonly<Record<string, (stock: KernelConfig) => KernelConfig>>;
}

/**
 * Registers tensorfold's kernels for one tfjs backend over the stock ones, and can put the stock
 * ones back (for A/B benchmarks and tests). Registering is idempotent.
 */
export class KernelReplacement {
  /** The stock configs replaced or wrapped, to restore in {@link KernelReplacement.unregister}. */
  private readonly stock = new Map<string, KernelConfig>();

  /**
   * @param backendName the tfjs backend (`'cpu'`, `'wasm'`, `'webgpu'`).
   * @param kernels tensorfold's kernels for it (each config's `backendName` must be `backendName`).
   */
  constructor(
    readonly backendName: string,
    readonly kernels: KernelSet,
  ) {}

  /** The names of every kernel this replacement registers. */
  get kernelNames(): string[] {
    const { added = [], replaced = [], wrapped = {} } = this.kernels;
    return [...added.map((k) => k.kernelName), ...replaced.map((k) => k.kernelName), ...Object.keys(wrapped)];
  }

  /** Registers every kernel that is not in place yet; returns the names it registered. */
  register(): string[] {
    const { added = [], replaced = [], wrapped = {} } = this.kernels;
    const registered: string[] = [];
    for (const config of added) {
      if (getKernel(config.kernelName, this.backendName) != null) continue;
      registerKernel(mark(config));
      registered.push(config.kernelName);
    }
    for (const config of replaced) {
      if (this.takePlaceOf(config.kernelName) === 'ours') continue;
      registerKernel(mark(config));
      registered.push(config.kernelName);
    }
    for (const [name, wrap] of Object.entries(wrapped)) {
      const stock = getKernel(name, this.backendName);
      if (stock == null || isOurs(stock)) continue;
      this.takePlaceOf(name);
      registerKernel(mark(wrap(stock)));
      registered.push(name);
    }
    return registered;
  }

  /** Removes this replacement's kernels and puts the stock ones back; returns the names it changed. */
  unregister(): string[] {
    const changed: string[] = [];
    for (const name of this.kernelNames) {
      if (!isOurs(getKernel(name, this.backendName))) continue;
      unregisterKernel(name, this.backendName);
      const stock = this.stock.get(name);
      if (stock != null) {
        registerKernel(stock);
        // A stock kernel replaced before its backend started never ran its setup (binding its native
        // function, on WASM): run it now, or the restored kernel would fail on first use.
        const backend = engine().registry[this.backendName];
        if (backend != null) stock.setupFunc?.(backend);
      }
      changed.push(name);
    }
    return changed;
  }

  /** Unregisters the stock kernel `name` (remembering it); 'ours' when ours is already in place. */
  private takePlaceOf(name: string): 'ours' | 'done' {
    const current = getKernel(name, this.backendName);
    if (isOurs(current)) return 'ours';
    if (current != null) {
      this.stock.set(name, current);
      unregisterKernel(name, this.backendName);
    }
    return 'done';
  }
}

function mark(config: KernelConfig): KernelConfig {
  return Object.assign({ ...config }, { [REPLACEMENT]: true as const });
}

function isOurs(config: KernelConfig | undefined): boolean {
  return config != null && (config as MarkedConfig)[REPLACEMENT] === true;
}
