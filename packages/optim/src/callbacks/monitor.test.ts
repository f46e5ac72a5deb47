import { readFileSync } from 'node:fs';
import { ConfigError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { resolveMode } from './monitor.js';

/** The rows of the README's `mode: 'auto'` table: monitored names and what `'auto'` picks. */
function readmeRows(): Array<{ names: string[]; picks: string }> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('| monitor '), readme.indexOf('ConfigError    |') + 20);
  return table
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [names, picks] = line.split('|').slice(1, 3);
      return { names: [...names.matchAll(/`([^`]+)`/g)].map((m) => m[1]), picks: picks.trim() };
    });
}

describe("resolveMode('auto')", () => {
  it("picks what the README's table says for each monitored name", () => {
    const rows = readmeRows();
    expect(rows.length).toBe(7);
    for (const { names, picks } of rows) {
      for (const name of names) {
        if (picks === 'ConfigError')
          expect(() => resolveMode(name, 'auto', 'earlyStopping'), name).toThrow(ConfigError);
        else expect(resolveMode(name, 'auto', 'earlyStopping'), name).toBe(picks);
      }
    }
  });

  it('keeps an explicit mode and refuses an unknown one', () => {
    expect(resolveMode('val_auc', 'min', 'x')).toBe('min');
    expect(() => resolveMode('loss', 'down' as 'min', 'x')).toThrow(/mode must be 'auto', 'min' or 'max'/);
  });
});
