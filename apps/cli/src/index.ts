/**
 * @tensorfold/cli as a library: the `tensorfold` program (to embed or test) and the training command
 * behind `tensorfold train`.
 *
 * @packageDocumentation
 */
export { type TrainOptions, type TrainResult, trainCommand } from './commands/train.js';
export { InterruptedError } from './interrupted.js';
export { type Output, processOutput } from './output.js';
export { buildProgram } from './program.js';
