/**
 * @tensorfold/models-classic: classic neural models, from logic neurons to multilayer perceptrons.
 *
 * @packageDocumentation
 */
export { type MlpOptions, mlp } from './mlp.js';
