/** Whether to colour terminal output, and the escape codes to do it. */

/** The parts of a Node stream this package looks at (so the code also loads in browsers). */
export interface TerminalLike {
  isTTY?: boolean;
  hasColors?: (count?: number) => boolean;
  columns?: number;
}

/**
 * Whether `stream` shows colour: `NO_COLOR` (any value) says no, `FORCE_COLOR` (not `0`) says yes,
 * otherwise a terminal that reports 256 colours. False outside Node.
 */
export function supportsColor(stream?: TerminalLike): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  if (env.NO_COLOR !== undefined) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (!stream?.isTTY) return false;
  return stream.hasColors?.(256) ?? false;
}

/** The xterm 256-colour index nearest to `[r, g, b]` (its 6 x 6 x 6 cube). */
export function xterm256([r, g, b]: [number, number, number]): number {
  const q = (v: number) => (v < 48 ? 0 : v < 115 ? 1 : Math.min(5, Math.floor((v - 35) / 40)));
  return 16 + 36 * q(r) + 6 * q(g) + q(b);
}

/** Foreground colour escape for an xterm 256-colour index. */
export const fg = (index: number) => `\x1b[38;5;${index}m`;
/** Background colour escape for an xterm 256-colour index. */
export const bg = (index: number) => `\x1b[48;5;${index}m`;
/** Resets colours. */
export const RESET = '\x1b[0m';

/** `text` without ANSI escape sequences (its visible characters). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}
