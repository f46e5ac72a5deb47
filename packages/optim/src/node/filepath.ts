import { ConfigError, type Logs } from '@tensorfold/core';

const placeholder = /\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g;

/** The names used in a Keras-style file path template such as `run/{epoch:02d}-{val_loss:.4f}`. */
export function templateKeys(template: string): string[] {
  return [...template.matchAll(placeholder)].map((m) => m[1]);
}

/**
 * Fills a Keras-style path template: `{epoch}` is the 1-based epoch, `{batch}` the 1-based batch,
 * other names come from the logs. Supported formats (Python's): `d` with width and zero padding
 * (`{epoch:03d}`), `f` and `e` with a precision (`{val_loss:.4f}`, `{loss:.2e}`).
 * @throws ConfigError for a name without a value or an unsupported format.
 */
export function fillTemplate(template: string, values: Logs): string {
  return template.replace(placeholder, (_, key: string, spec: string | undefined) => {
    const value = values[key];
    if (value === undefined) {
      throw new ConfigError(
        `The path "${template}" names {${key}}, which has no value here (known: ${Object.keys(values).join(', ')}).`,
      );
    }
    return formatValue(value, spec ?? '', template);
  });
}

function formatValue(value: number, spec: string, template: string): string {
  if (spec === '') return String(value);
  const match = /^(0?)(\d*)(?:\.(\d+))?([dfe])$/.exec(spec);
  if (!match) {
    throw new ConfigError(`Unsupported format "${spec}" in "${template}"; use d (with width), .Nf or .Ne.`);
  }
  const [, zero, width, precision, kind] = match;
  let text: string;
  if (kind === 'd') text = String(Math.round(value));
  else if (kind === 'f') text = value.toFixed(precision === undefined ? 6 : Number(precision));
  else
    text = value
      .toExponential(precision === undefined ? 6 : Number(precision))
      .replace(/e([+-])(\d)$/, 'e$10$2');
  const w = width === '' ? 0 : Number(width);
  if (text.length >= w) return text;
  if (zero !== '0') return text.padStart(w, ' ');
  const negative = text.startsWith('-');
  return (negative ? '-' : '') + text.slice(negative ? 1 : 0).padStart(w - (negative ? 1 : 0), '0');
}
