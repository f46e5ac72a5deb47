/**
 * @tensorfold/models-classic: classic neural models, from logic neurons to multilayer perceptrons.
 *
 * @packageDocumentation
 */

export { models } from './descriptions.js';
export { type MlpOptions, mlp } from './mlp.js';
