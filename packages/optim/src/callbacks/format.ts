/** Formatting of times for progress output. */

/** `12s`, `4:05`, `1:02:03` (seconds, rounded). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Time per step: `850us/step`, `13ms/step`, `1.2s/step`. */
export function formatStepTime(seconds: number): string {
  if (seconds < 1e-3) return `${Math.round(seconds * 1e6)}us/step`;
  if (seconds < 1) return `${Math.round(seconds * 1e3)}ms/step`;
  return `${seconds.toFixed(1)}s/step`;
}
