/**
 * How a models package describes its models once, so that the CLI (`tensorfold models`, `train`,
 * `summary`) and the demo site list and build them without hand-kept lists of their own.
 *
 * A models package exports `models: readonly ModelDescription[]` from a light entry point
 * (`@tensorfold/models-x/descriptions`) whose `build` functions import the heavy builder lazily, so a
 * consumer can list every model without loading any of them.
 */

/** What a model is for; consumers pick the training loop, datasets and report from it. */
export type ModelTask =
  /** Images in, one class out (LeNet-5, VGG, ResNet...). */
  | 'classify-images'
  /** Feature vectors in, one class out (an MLP on Iris). */
  | 'classify-tabular'
  /** Feature vectors in, real values out. */
  | 'regress'
  /** Windows of a series in, the next value(s) out. */
  | 'forecast'
  /** Token sequences in, one class out. */
  | 'classify-text'
  /** A language model that continues a text. */
  | 'generate-text'
  /** Latent points in, images out (GAN, DCGAN, VAE, autoencoders). */
  | 'generate-images'
  /** A neuron of the classic texts (logic neuron, perceptron, Adaline, Madaline) trained by its own rule. */
  | 'classic-neuron';

/** Training defaults of a model: what `tensorfold train NAME` uses when no flag says otherwise. */
export interface ModelDefaults {
  /** Passes over the training data. */
  epochs: number;
  /** Samples per step. */
  batchSize: number;
  /** Step size of the optimizer (or of the learning rule). */
  learningRate: number;
}

/** What a consumer knows about the data when it builds a model; each builder reads what it needs. */
export interface ModelBuildOptions {
  /** One sample's shape, without the batch axis, e.g. `[28, 28, 1]`. */
  inputShape?: number[];
  /** Number of classes, for classifiers. */
  numClasses?: number;
  /** Further options of the model's own builder (units, latent size, vocabulary...). */
  [option: string]: unknown;
}

/** One model, described once in its package. */
export interface ModelDescription<Built = unknown> {
  /** The name users type, lower-case, unique across packages: `lenet5`, `perceptron`. */
  name: string;
  /** One line saying what it is, e.g. `LeNet-5: conv 8@3x3, pool, ... (62,430 params)`. */
  summary: string;
  /** What it is for. */
  task: ModelTask;
  /** Names of the datasets it fits (as the CLI names them); the first is its default. */
  datasets: readonly string[];
  /** Training defaults. */
  defaults: ModelDefaults;
  /** The package that holds it, e.g. `@tensorfold/models-cnn`. */
  packageName: string;
  /** Where the source texts teach it, e.g. `seed 004, LeNet table`; optional. */
  source?: string;
  /** Builds a fresh model (imports its builder lazily). */
  build(options: ModelBuildOptions): Promise<Built>;
}
