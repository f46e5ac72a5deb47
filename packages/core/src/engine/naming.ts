/** Keras-style unique layer names: the first `dense`, then `dense_1`, `dense_2`, ... */
const counters = new Map<string, number>();

/** `PReLU` -> `p_re_lu`, `Conv2D` -> `conv2d`, `MaxPooling2D` -> `max_pooling2d` (as Keras names them). */
export function snakeCase(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  return intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A name not handed out before in this process for the given prefix. */
export function uniqueName(prefix: string): string {
  const count = counters.get(prefix) ?? 0;
  counters.set(prefix, count + 1);
  return count === 0 ? prefix : `${prefix}_${count}`;
}

/**
 * Notes an explicitly given name so that generated names never collide with it (a loaded model's
 * `dense_3` makes the next generated name `dense_4`).
 */
export function reserveName(name: string): void {
  const match = /^(.*?)(?:_(\d+))?$/.exec(name);
  if (!match) return;
  const prefix = match[1];
  const next = match[2] === undefined ? 1 : Number(match[2]) + 1;
  if ((counters.get(prefix) ?? 0) < next) counters.set(prefix, next);
}
