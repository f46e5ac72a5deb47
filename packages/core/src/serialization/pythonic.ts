/**
 * Key and value conversion between tensorfold's camelCase configs and the snake_case JSON of the
 * TensorFlow.js layers format (the same rules tfjs-layers applies, so each side reads the other's
 * files): keys are converted, string values too, except layer names (`name` keys and the names at
 * the head of `inbound_nodes` / `input_layers` / `output_layers` entries) and `class_name` values.
 */

/** `useBias` -> `use_bias`, `channelsLast` -> `channels_last` (the rule tfjs-layers applies). */
export function toSnakeCase(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  const snake = intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return snake[0] === '_' ? `private${snake}` : snake;
}

/** `use_bias` -> `useBias`; identifiers without `_` are unchanged. */
export function toCamelCase(identifier: string): string {
  if (identifier.length <= 1 || !identifier.includes('_')) return identifier;
  return identifier.replace(/[_]+(\w|$)/g, (_, p1: string) => p1.toUpperCase());
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isNameAtHead(key: string | undefined, index: number, value: unknown): boolean {
  return (
    (key === 'inboundNodes' || key === 'outputLayers' || key === 'inputLayers') &&
    index === 0 &&
    typeof value === 'string'
  );
}

/** camelCase config -> snake_case JSON. */
export function toPythonic(value: unknown, key?: string): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return toSnakeCase(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value))
    return value.map((item, i) => (isNameAtHead(key, i, item) ? (item as string) : toPythonic(item, key)));
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if ((k === 'name' || k === 'className') && typeof v === 'string') out[toSnakeCase(k)] = v;
    else out[toSnakeCase(k)] = toPythonic(v, k);
  }
  return out;
}

/** snake_case JSON -> camelCase config. */
export function fromPythonic(value: unknown, key?: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return toCamelCase(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value))
    return value.map((item, i) => (isNameAtHead(key, i, item) ? item : fromPythonic(item, key)));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === 'name' && typeof v === 'string') out[k] = v;
    else if (k === 'class_name' && typeof v === 'string') out.className = v;
    else {
      const camel = toCamelCase(k);
      out[camel] = fromPythonic(v, camel);
    }
  }
  return out;
}
