/**
 * Runs the TypeScript examples of README files as written: {@link extractExamples} finds them,
 * {@link runExample} runs one in its own Node process. Used by this package's test (every README of
 * the repository, on the workspace sources) and by the packaging test (each package's README, on the
 * packed tarballs installed with npm).
 *
 * @packageDocumentation
 */
export { BROWSER_ONLY, CONTINUES, type Example, extractExamples } from './extract.js';
export { type ExampleRun, programName, type RunOptions, runExample, tsxImportFlag } from './run.js';
