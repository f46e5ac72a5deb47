/**
 * `source` (the text of the .wat file at `file`) with each `;; @include <path>` line replaced by the
 * text of the file at `<path>` (relative to `file`'s folder). Throws on a missing path or file, or a
 * fragment that includes another. See wat-includes.mjs.
 */
export function expandIncludes(source: string, file: string): string;
