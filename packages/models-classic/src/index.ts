/**
 * @tensorfold/models-classic: classic neural models as seed 003 teaches them, from the logic neuron
 * to the multilayer perceptron: McCulloch-Pitts logic neurons and networks, the perceptron with
 * Hebbian learning, the delta rules, Adaline, Madaline with MRI, the single-layer perceptron, and
 * `mlp`.
 *
 * @packageDocumentation
 */

export {
  Adaline,
  type AdalineEpoch,
  type AdalineFitOptions,
  type AdalineFitResult,
  type AdalineOptions,
} from './adaline.js';
export { DeltaNeuron, type DeltaNeuronEpoch, type DeltaNeuronOptions } from './delta-neuron.js';
export {
  type DeltaStep,
  DIFFERENTIABLE_ACTIVATIONS,
  type DifferentiableActivation,
  deltaRule,
  differentiableActivation,
  generalizedDeltaRule,
} from './delta-rule.js';
export { models } from './descriptions.js';
export { hebbRule, type PerceptronStep, perceptronRule, sign, step } from './hebbian-rule.js';
export { LogicNetwork, xorNetwork } from './logic-network.js';
export {
  andNeuron,
  checkBinaryInputs,
  LogicNeuron,
  type LogicNeuronOptions,
  nandNeuron,
  norNeuron,
  notNeuron,
  orNeuron,
} from './logic-neuron.js';
export { Madaline, type MadalineEpoch, type MadalineFitResult, type MadalineOptions } from './madaline.js';
export { type MlpOptions, mlp } from './mlp.js';
export {
  hyperplane,
  Perceptron,
  type PerceptronEpoch,
  type PerceptronFitOptions,
  type PerceptronFitResult,
  type PerceptronOptions,
  type PerceptronTraceStep,
} from './perceptron.js';
export type { Sample } from './samples.js';
export { linearSeparability, MAX_SEPARABILITY_INPUTS, type Separability } from './separability.js';
export { CLASSIC_FORMAT, type ClassicJson } from './serialization.js';
export {
  type SingleLayerEpoch,
  type SingleLayerEvaluation,
  type SingleLayerFitResult,
  SingleLayerPerceptron,
  type SingleLayerPerceptronOptions,
} from './single-layer-perceptron.js';
export { fruitData, LOGIC_FUNCTIONS, logicData, type ToyData, truthTableInputs } from './toy-data.js';
export { type ClassicFitOptions, DEFAULT_SEED } from './training.js';
