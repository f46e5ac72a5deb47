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

/**
 * Replaces stock kernels of one tfjs backend with tensorfold's, and can put the stock ones back.
 * Registering is idempotent; a kernel a later tfjs release does not ship is simply added.
 */
export class KernelReplacement {
  /** The stock configs replaced, to restore in {@link KernelReplacement.unregister}. */
  private readonly stock = new Map<string, KernelConfig>();

  /**
   * @param backendName the tfjs backend (`'cpu'`, `'webgpu'`).
   * @param configs tensorfold's kernels for it (each config's `backendName` must be `backendName`).
   */
  constructor(
    readonly backendName: string,
    readonly configs: readonly KernelConfig[],
  ) {}

  /** Registers every replacement that is not in place yet; returns the names it registered. */
  register(): string[] {
    const registered: string[] = [];
    for (const config of this.configs) {
      const current = getKernel(config.kernelName, this.backendName);
      if (isOurs(current)) continue;
      if (current != null) {
        this.stock.set(config.kernelName, current);
        unregisterKernel(config.kernelName, this.backendName);
      }
      registerKernel(Object.assign({ ...config }, { [REPLACEMENT]: true as const }));
      registered.push(config.kernelName);
    }
    return registered;
  }

  /** Removes the replacements and puts the stock kernels back; returns the names it changed. */
  unregister(): string[] {
    const changed: string[] = [];
    for (const { kernelName } of this.configs) {
      if (!isOurs(getKernel(kernelName, this.backendName))) continue;
      unregisterKernel(kernelName, this.backendName);
      const stock = this.stock.get(kernelName);
      if (stock != null) {
        registerKernel(stock);
        // A stock kernel replaced before its backend started never ran its setup: run it now.
        const backend = engine().registry[this.backendName];
        if (backend != null) stock.setupFunc?.(backend);
      }
      changed.push(kernelName);
    }
    return changed;
  }
}

function isOurs(config: KernelConfig | undefined): boolean {
  return config != null && (config as MarkedConfig)[REPLACEMENT] === true;
}
