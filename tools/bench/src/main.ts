/**
 * `pnpm bench [suite ...] [--backend cpu,wasm,webgpu] [--quick] [--json out.json]`
 *
 * Runs every suite in src/suites/ (or the named ones) on each backend and prints a table of
 * tensorfold's figure, the peer's figure from the same run, and the ratio (> 1: tensorfold better).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { useBackend } from './backends.js';
import { advantage, type BenchRow, type Suite } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv: string[]) {
  const names: string[] = [];
  let backends = ['wasm'];
  let quick = false;
  let json: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--backend') backends = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--quick') quick = true;
    else if (a === '--json') json = argv[++i] ?? null;
    else if (a.startsWith('--'))
      throw new Error(`Unknown option ${a}. Options: --backend cpu,wasm,webgpu  --quick  --json FILE`);
    else names.push(a);
  }
  return { names, backends, quick, json };
}

/** Imports the suites named (all when none): each file's default export, named like the file. */
async function loadSuites(names: string[]): Promise<Suite[]> {
  const dir = join(here, 'suites');
  const available = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const unknown = names.filter((n) => !available.includes(n));
  if (unknown.length)
    throw new Error(`Unknown suite(s): ${unknown.join(', ')}. Suites: ${available.join(', ')}`);
  const suites: Suite[] = [];
  for (const file of names.length ? names : available) {
    const mod = (await import(pathToFileURL(join(dir, `${file}.ts`)).href)) as { default?: Suite };
    if (!mod.default) throw new Error(`src/suites/${file}.ts has no default export (a Suite).`);
    if (mod.default.name !== file)
      throw new Error(`src/suites/${file}.ts names its suite "${mod.default.name}"; name it "${file}".`);
    suites.push(mod.default);
  }
  return suites;
}

function formatRow(r: BenchRow): string {
  const fmt = (x: number | null) => (x === null ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toPrecision(3));
  const adv = advantage(r);
  const judgement = r.judged === false ? ', not judged' : r.call ? `, ${r.call}` : '';
  const ratio = adv === null ? 'n/a' : `${adv.toFixed(2)}x${judgement}`;
  return `| ${r.suite} | ${r.case} | ${fmt(r.value)} ${r.unit} | ${fmt(r.peer)} (${r.peerName}) | ${ratio} |${r.note ? ` ${r.note}` : ''}`;
}

async function main() {
  const { names, backends, quick, json } = parseArgs(process.argv.slice(2));
  const suites = await loadSuites(names);
  const rows: Array<BenchRow & { backend: string }> = [];
  for (const backend of backends) {
    const info = await useBackend(backend);
    console.log(`\n## backend: ${info}\n`);
    console.log('| suite | case | tensorfold | peer (same run) | advantage |');
    console.log('|---|---|---|---|---|');
    for (const suite of suites) {
      if (suite.backends && !suite.backends.includes(backend)) continue;
      await suite.run({
        backend,
        quick,
        report(row) {
          rows.push({ ...row, backend });
          console.log(formatRow(row));
        },
      });
    }
  }
  if (json) writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
