/**
 * @tensorfold/core/node: everything in `@tensorfold/core`, plus file-system saving and loading for
 * Node (`fileSystem(dir)`, and `file://` URLs for `saveModel`, `loadModel` and `model.save`).
 *
 * @packageDocumentation
 */
import { registerFileRouters } from './io/file-system.js';

export * from './index.js';
export {
  fileSystem,
  MODEL_JSON,
  registerFileRouters,
  SHARD_BYTES,
  writeAtomically,
} from './io/file-system.js';
export { makeDirectories } from './io/make-directories.js';

registerFileRouters();
