// The include lines of the hand-written .wat kernels, expanded before wabt compiles them: a line
//
//   ;; @include fragments/float-zero-skip.wat
//
// (a comment to wabt, so the file stays valid text format) is replaced by the text of that file,
// verbatim. The path is relative to the folder of the .wat file that holds the line. Fragments live in
// src/wasm/simd/fragments/: compile-simd-kernels.mjs compiles only the .wat files directly in
// src/wasm/simd/, so a fragment is never a module of its own. A fragment holds whole functions and
// may not include another (one level keeps every function's source one look away). Functions that two
// modules share (kernels.wat and threaded-mat-mul.wat's zero-step skip) then have one source.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** An include line: indentation, `;;`, `@include`, then the rest of the line (the path). */
const INCLUDE = /^[ \t]*;;[ \t]*@include\b(.*)$/m;

/** The 1-based line of `text` that holds offset `index`. */
function lineOf(text, index) {
  return text.slice(0, index).split('\n').length;
}

/**
 * `source` (the text of the .wat file at `file`) with each include line replaced by the text of the
 * file it names (without that file's final newline). Throws an Error naming the file and line where
 * an include has no path, names no readable file, or names a fragment that includes another.
 *
 * @param {string} source
 * @param {string} file
 * @returns {string}
 */
export function expandIncludes(source, file) {
  return expandIncludesWithOrigins(source, file).text;
}

/**
 * {@link expandIncludes}, and where each line of the expanded text comes from: `origin(line)` (1-based)
 * is `<the .wat's name>:<its line>` or `<the include's path>:<the fragment's line>`, so that an
 * error that wabt reports at a line of the expanded text can name the line as written.
 *
 * @param {string} source
 * @param {string} file
 * @returns {{ text: string, origin: (line: number) => string }}
 */
export function expandIncludesWithOrigins(source, file) {
  const name = basename(file);
  /** Each output line's origin, in order. */
  const origins = [];
  const out = source.split('\n').map((line, i) => {
    const include = INCLUDE.exec(line);
    if (include == null) {
      origins.push(`${name}:${i + 1}`);
      return line;
    }
    const fragment = readFragment(include[1], file, `${name}:${i + 1}`);
    const path = include[1].trim();
    const fragmentLines = fragment.split('\n');
    fragmentLines.forEach((_, j) => {
      origins.push(`${path}:${j + 1}`);
    });
    return fragment;
  });
  return { text: out.join('\n'), origin: (line) => origins[line - 1] ?? `${name} (expanded):${line}` };
}

/**
 * The text of the fragment that an include line names (`rest`: what follows `@include`), without its
 * final newline; `where` (`<file>:<line>`) heads the errors.
 */
function readFragment(rest, file, where) {
  const path = rest.trim();
  if (path === '' || /\s/.test(path)) {
    throw new Error(
      `${where}: '@include' needs one path, relative to the .wat's folder (e.g. ';; @include fragments/name.wat'), got '${path}'`,
    );
  }
  const target = join(dirname(file), path);
  let fragment;
  try {
    fragment = readFileSync(target, 'utf8');
  } catch (error) {
    throw new Error(
      `${where}: '@include ${path}': cannot read ${target} (${error.code ?? error.message}); the path is relative to the folder of ${basename(file)}`,
    );
  }
  const nested = new RegExp(INCLUDE.source, 'm').exec(fragment);
  if (nested != null) {
    throw new Error(
      `${where}: '@include ${path}': the fragment includes another at its line ${lineOf(fragment, nested.index)}; fragments may not include (paste the functions into the fragment, or include both from the .wat)`,
    );
  }
  return fragment.replace(/\r?\n$/, '');
}

/**
 * `message` (wabt's, which names positions `<name>:<line>:<column>:` in the text it was given) with
 * each position as `origin(line)`'s file and line (see {@link expandIncludesWithOrigins}); unchanged
 * without `origin`.
 *
 * @param {string} message
 * @param {string} name
 * @param {((line: number) => string) | undefined} origin
 * @returns {string}
 */
export function relocated(message, name, origin) {
  if (origin == null) return message;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return message.replace(
    new RegExp(`${escaped}:(\\d+):(\\d+):`, 'g'),
    (_, line, column) => `${origin(Number(line))}:${column}:`,
  );
}
