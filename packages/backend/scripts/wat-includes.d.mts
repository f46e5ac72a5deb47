/**
 * `source` (the text of the .wat file at `file`) with each `;; @include <path>` line replaced by the
 * text of the file at `<path>` (relative to `file`'s folder). Throws on a missing path or file, or a
 * fragment that includes another. See wat-includes.mjs.
 */
export function expandIncludes(source: string, file: string): string;

/**
 * {@link expandIncludes}, and where each line of the expanded text comes from: `origin(line)`
 * (1-based) is `<the .wat's name>:<its line>` or `<the include's path>:<the fragment's line>`.
 */
export function expandIncludesWithOrigins(
  source: string,
  file: string,
): { text: string; origin: (line: number) => string };

/**
 * `message` (wabt's, positions `<name>:<line>:<column>:` in the text it was given) with each position
 * as `origin(line)`'s file and line; unchanged without `origin`.
 */
export function relocated(
  message: string,
  name: string,
  origin: ((line: number) => string) | undefined,
): string;
