// The files of a new library package, as the existing ones are laid out (see CONTRIBUTING.md).

/** `models-gan` → `modelsGan`. */
function camel(name) {
  return name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/** path (relative to the repository root) → contents. */
export function packageFiles(name, description) {
  const pkg = `@tensorfold/${name}`;
  const fn = `${camel(name)}Norm`;
  const packageJson = {
    name: pkg,
    version: '0.0.0',
    description,
    license: 'Apache-2.0',
    type: 'module',
    sideEffects: false,
    exports: {
      '.': { '@tensorfold/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
    files: ['dist', 'src', '!src/**/*.test.ts', '!src/**/test-utils/**'],
    engines: { node: '>=20.19' },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      'check-types': 'tsc -p tsconfig.json --noEmit',
      publint: 'publint',
      test: 'vitest run',
    },
    dependencies: { '@tensorfold/core': 'workspace:^' },
    peerDependencies: { '@tensorflow/tfjs-core': 'catalog:' },
    devDependencies: {
      '@tensorflow/tfjs-backend-cpu': 'catalog:',
      '@tensorflow/tfjs-core': 'catalog:',
      '@types/node': 'catalog:',
      publint: 'catalog:',
      typescript: 'catalog:',
      vitest: 'catalog:',
    },
  };
  const dir = `packages/${name}`;
  return {
    [`${dir}/package.json`]: `${JSON.stringify(packageJson, null, 2)}\n`,
    [`${dir}/tsconfig.json`]: `{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist" },
  "include": ["src"]
}
`,
    [`${dir}/tsconfig.build.json`]: `{
  "extends": "./tsconfig.json",
  "exclude": ["src/**/*.test.ts", "src/**/test-utils/**"]
}
`,
    [`${dir}/vitest.config.ts`]: `import { packageProject } from '../../vitest.shared.js';

export default packageProject('${name}');
`,
    [`${dir}/src/index.ts`]: `/**
 * ${pkg}: ${description}
 *
 * @packageDocumentation
 */
import { ShapeError, tf } from '@tensorfold/core';

/** Options of {@link ${fn}}. */
export interface ${fn[0].toUpperCase()}${fn.slice(1)}Args {
  /** Axis to reduce over. Default: the last one (-1). */
  axis?: number;
}

/**
 * The Euclidean length of \`x\` along one axis: \`sqrt(sum(x^2))\`. (A placeholder for this package's
 * first real function: replace it, its test and the README example.)
 *
 * @example
 * ${fn}(tf.tensor2d([[3, 4]])); // [5]
 * @throws ShapeError when \`x\` is a scalar.
 */
export function ${fn}(x: tf.Tensor, args: ${fn[0].toUpperCase()}${fn.slice(1)}Args = {}): tf.Tensor {
  if (x.rank === 0) throw new ShapeError('${fn} needs a tensor with at least one axis, got a scalar.');
  // [..., n] -> [...]
  return tf.tidy(() => tf.sqrt(tf.sum(tf.square(x), args.axis ?? -1)));
}
`,
    [`${dir}/src/index.test.ts`]: `import '@tensorflow/tfjs-backend-cpu';
import { ShapeError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ${fn} } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('${fn}', () => {
  it('matches tf.norm, the oracle, along the last axis and another', async () => {
    const x = tf.tensor2d([
      [3, 4],
      [6, 8],
    ]);
    for (const axis of [-1, 0]) {
      const [ours, oracle] = [${fn}(x, { axis }), tf.norm(x, 'euclidean', axis)];
      expect(Array.from(await ours.data())).toEqual(Array.from(await oracle.data()));
      tf.dispose([ours, oracle]);
    }
    x.dispose();
  });

  it('refuses a scalar with a ShapeError and leaks nothing', () => {
    const before = tf.memory().numTensors;
    expect(() => ${fn}(tf.scalar(1))).toThrow(ShapeError);
    expect(tf.memory().numTensors).toBe(before + 1); // the scalar itself
  });
});
`,
    [`${dir}/README.md`]: `# ${pkg}

${description}

\`\`\`sh
npm install ${pkg} @tensorfold/core @tensorfold/backend @tensorflow/tfjs-core
\`\`\`

\`\`\`ts
import { initBackend } from '@tensorfold/backend';
import { tf } from '@tensorfold/core';
import { ${fn} } from '${pkg}';

await initBackend(); // tensors live on a backend: start one first
${fn}(tf.tensor2d([[3, 4]])).print(); // [5]
\`\`\`

The example above is run by a test, as written (\`pnpm vitest run --project readmes\`).
`,
    [`.changeset/${name}-first.md`]: `---
"${pkg}": minor
---
First version of ${pkg}: ${description}
`,
  };
}
