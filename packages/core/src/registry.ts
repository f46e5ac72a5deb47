import { ConfigError } from './errors.js';

/** The kinds of object that can be named in a config or by a string shorthand. */
export type RegistryKind =
  | 'layer'
  | 'initializer'
  | 'regularizer'
  | 'constraint'
  | 'activation'
  | 'optimizer'
  | 'loss'
  | 'metric'
  | 'callback';

/** The serialized form of a registered object: `{className: 'Dense', config: {...}}`. */
export interface SerializedObject {
  className: string;
  config: Record<string, unknown>;
}

/** Something that can be written to a config and rebuilt from it. */
export interface Serializable {
  /** The registered class name, e.g. `'Dense'` or `'GlorotUniform'`. */
  readonly className: string;
  /** The options that rebuild this object (camelCase keys, JSON values). */
  getConfig(): Record<string, unknown>;
}

/** Builds an object of a kind from its config (usually `(config) => new Class(config)`). */
export type Factory<T = unknown> = (config: Record<string, unknown>) => T;

interface Entry {
  className: string;
  factory: Factory;
}

const registries = new Map<RegistryKind, Map<string, Entry>>();

/** Lookup key: case-insensitive, ignoring `_` and `-`, so 'glorot_uniform', 'glorotUniform' and 'GlorotUniform' match. */
export function normalizeName(name: string): string {
  return name.replace(/[_-]/g, '').toLowerCase();
}

function table(kind: RegistryKind): Map<string, Entry> {
  let t = registries.get(kind);
  if (!t) {
    t = new Map();
    registries.set(kind, t);
  }
  return t;
}

/**
 * Registers a class (or factory) under its class name and any aliases, for deserialization and
 * string shorthands. Registering the same name again replaces the earlier entry.
 *
 * @example
 * register('initializer', 'GlorotUniform', (c) => new GlorotUniform(c), ['glorot_uniform']);
 */
export function register<T>(
  kind: RegistryKind,
  className: string,
  factory: Factory<T>,
  aliases: string[] = [],
): void {
  const t = table(kind);
  const entry = { className, factory: factory as Factory };
  for (const name of [className, ...aliases]) t.set(normalizeName(name), entry);
}

/** Whether `name` is registered for `kind`. */
export function isRegistered(kind: RegistryKind, name: string): boolean {
  return table(kind).has(normalizeName(name));
}

/** The class names registered for `kind` (no aliases), sorted. */
export function registeredNames(kind: RegistryKind): string[] {
  return [...new Set([...table(kind).values()].map((e) => e.className))].sort();
}

const packageOfKind: Record<RegistryKind, string> = {
  layer: '@tensorfold/layers',
  initializer: '@tensorfold/layers',
  regularizer: '@tensorfold/optim',
  constraint: '@tensorfold/layers',
  activation: '@tensorfold/layers',
  optimizer: '@tensorfold/optim',
  loss: '@tensorfold/optim',
  metric: '@tensorfold/optim',
  callback: '@tensorfold/optim',
};

/**
 * Builds a registered object from a name or a serialized `{className, config}`.
 * @throws ConfigError naming the known alternatives when the name is unknown.
 */
export function create<T>(
  kind: RegistryKind,
  spec: string | SerializedObject,
  extraConfig: Record<string, unknown> = {},
): T {
  const name = typeof spec === 'string' ? spec : spec.className;
  const entry = table(kind).get(normalizeName(name));
  if (!entry) {
    const known = registeredNames(kind);
    const hint = known.length
      ? `Known ${kind}s: ${known.join(', ')}.`
      : `No ${kind} is registered yet: import '${packageOfKind[kind]}' first.`;
    throw new ConfigError(
      `Unknown ${kind} "${name}". ${hint} A custom class must be registered with register('${kind}', '${name}', factory).`,
    );
  }
  const config = typeof spec === 'string' ? {} : (spec.config ?? {});
  return entry.factory({ ...config, ...extraConfig }) as T;
}

/**
 * Accepts an instance (returned as is), a name, a serialized object, or null/undefined (returns
 * `fallback`). The one function layers and optimizers use to read options such as
 * `kernelInitializer: 'heNormal'`.
 */
export function resolve<T>(
  kind: RegistryKind,
  value: T | string | SerializedObject | null | undefined,
  fallback?: T | string,
): T | undefined {
  if (value == null) {
    if (fallback === undefined) return undefined;
    return typeof fallback === 'string' ? create<T>(kind, fallback) : fallback;
  }
  if (typeof value === 'string') return create<T>(kind, value);
  if (isSerializedObject(value)) return create<T>(kind, value);
  return value as T;
}

/** Whether `value` looks like `{className: string, config: object}`. */
export function isSerializedObject(value: unknown): value is SerializedObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SerializedObject).className === 'string' &&
    !('getConfig' in (value as object)) &&
    (typeof (value as SerializedObject).config === 'object' ||
      (value as SerializedObject).config === undefined)
  );
}

/** `{className, config}` of a serializable object, or null. */
export function serialize(value: Serializable | null | undefined): SerializedObject | null {
  if (value == null) return null;
  return { className: value.className, config: value.getConfig() };
}
