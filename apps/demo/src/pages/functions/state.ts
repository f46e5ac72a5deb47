/** The state of the Activations, losses and optimizers page, mirrored in the URL. */
import { choiceField, numberField, type StateSchema } from '../../lib/url-state';

/** Seed 004's activation functions (slides "activation functions and derivatives"), and a few successors. */
export const ACTIVATIONS = [
  'step',
  'linear',
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'elu',
  'softplus',
  'swish',
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];
export const SURFACES = ['bowl', 'rosenbrock', 'saddle'] as const;
export type SurfaceName = (typeof SURFACES)[number];

export interface FunctionsState {
  /** The activation drawn with its derivative. */
  activation: ActivationName;
  /** The 2-D loss surface the optimizers descend. */
  surface: SurfaceName;
  /** The learning rate every optimizer uses. */
  learningRate: number;
  /** Steps each optimizer takes. */
  steps: number;
}

export const functionsSchema: StateSchema<FunctionsState> = {
  activation: choiceField<ActivationName>('sigmoid', ACTIVATIONS),
  surface: choiceField<SurfaceName>('bowl', SURFACES),
  learningRate: numberField(0.05, 0.0001, 1),
  steps: numberField(50, 1, 300, true),
};
