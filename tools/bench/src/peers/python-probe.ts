/**
 * Finding a Python for the Python peers (numpy.ts, pytorch.ts): the first interpreter that imports the
 * peer's module, or why none does.
 */
import { spawnSync } from 'node:child_process';

/** A Python that can import a module, with the module's version; or null and why not. */
export interface PythonProbe {
  python: string | null;
  version: string | null;
  reason: string;
}

/**
 * The interpreters to try, in order: `TENSORFOLD_BENCH_PYTHON` when set, else `python3` on the PATH
 * and Debian's own `/usr/bin/python3` (where `python3-torch` and `python3-numpy` install; a pyenv shim
 * may shadow it).
 */
function candidates(): string[] {
  const chosen = process.env.TENSORFOLD_BENCH_PYTHON;
  return chosen ? [chosen] : ['python3', '/usr/bin/python3'];
}

/**
 * The first of the candidates that imports `module` (a Python module with a `__version__`: `numpy`,
 * `torch`), with that version; else null, and a reason that names each candidate's failure and
 * `install` (the Debian command that provides the module).
 */
export function findPythonWith(module: string, install: string): PythonProbe {
  const failures: string[] = [];
  for (const python of candidates()) {
    const probe = spawnSync(python, ['-c', `import ${module}; print(${module}.__version__)`], {
      encoding: 'utf8',
    });
    if (probe.status === 0) return { python, version: probe.stdout.trim(), reason: '' };
    const why = probe.error
      ? probe.error.message
      : (probe.stderr.trim().split('\n').pop() ?? 'unknown error');
    failures.push(`${python}: ${why}`);
  }
  return {
    python: null,
    version: null,
    reason: `no Python here imports ${module} (${failures.join('; ')}); on Debian: ${install}`,
  };
}
