#!/usr/bin/env node
// `pnpm new-package <name> [--description "..."] [--root DIR]`: lays out packages/<name> as the other
// library packages are (package.json with the exports map and the @tensorfold/source condition,
// tsconfigs, vitest config, README with a tested example, src/index.ts, a test) plus a changeset,
// and adds the package to the README examples test. Then run `pnpm install`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageFiles } from './src/templates.mjs';

const usage = 'Usage: pnpm new-package <name> [--description "what it holds"] [--root DIR]';

function parse(argv) {
  const options = {
    name: null,
    description: null,
    root: join(dirname(fileURLToPath(import.meta.url)), '..', '..'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--description') options.description = argv[++i] ?? null;
    else if (arg === '--root') options.root = argv[++i] ?? options.root;
    else if (arg === '--help' || arg === '-h') return null;
    else if (arg.startsWith('-')) throw new Error(`Unknown option ${arg}. ${usage}`);
    else if (options.name == null) options.name = arg;
    else throw new Error(`One package name only, got "${options.name}" and "${arg}". ${usage}`);
  }
  if (options.name == null) throw new Error(`Name the package. ${usage}`);
  return options;
}

/** Writes the package; returns the files written, relative to `root`. */
export function createPackage({ name, description, root }) {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name))
    throw new Error(`"${name}" is not a package name: use lower-case words joined by "-", e.g. models-gan.`);
  const dir = join(root, 'packages', name);
  if (existsSync(dir)) throw new Error(`packages/${name} already exists: pick another name.`);
  const written = [];
  for (const [path, text] of Object.entries(packageFiles(name, description ?? `tensorfold's ${name}.`))) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(path);
  }
  // The README examples test runs every package's README: it must be able to import this one.
  const examples = join(root, 'tools', 'readme-examples', 'package.json');
  if (existsSync(examples)) {
    const pkg = JSON.parse(readFileSync(examples, 'utf8'));
    pkg.dependencies[`@tensorfold/${name}`] = 'workspace:^';
    pkg.dependencies = Object.fromEntries(
      Object.entries(pkg.dependencies).sort(([a], [b]) => a.localeCompare(b)),
    );
    writeFileSync(examples, `${JSON.stringify(pkg, null, 2)}\n`);
    written.push('tools/readme-examples/package.json');
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const options = parse(process.argv.slice(2));
    if (options == null) {
      console.log(usage);
    } else {
      for (const path of createPackage(options)) console.log(`wrote ${path}`);
      console.log(
        `\nNext: pnpm install, then pnpm vitest run --project ${options.name} and ` +
          `pnpm --filter @tensorfold/${options.name} check-types. Add a row to the packages table of README.md.`,
      );
    }
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
}
