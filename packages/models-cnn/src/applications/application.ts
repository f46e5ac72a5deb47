/**
 * The generic builder of the applications (as Keras Applications' `ResNet(stack_fn, ...)`): one place that
 * checks the options, makes the input, adds the classifier top or the global pooling, names the model and
 * loads weights. Each family only says how its convolutional base is stacked.
 */
import { ConfigError, input, type Model, model, type SymbolicTensor, type tf } from '@tensorfold/core';
import { dense, globalAveragePooling2d, globalMaxPooling2d } from '@tensorfold/layers';
import { KerasNames } from './keras-names.js';
import { loadWeightsByName } from './load-weights.js';

/** Options every application takes (Keras Applications' arguments, camel-cased). */
export interface ApplicationOptions {
  /**
   * `null` (default) for random initialization, or where to load weights from by layer name (see
   * `loadWeightsByName`): a directory or `model.json` in the TensorFlow.js layers format, a URL, or an
   * `IOHandler`. Nothing is downloaded: ImageNet weights are not shipped; convert Keras's with
   * `tensorflowjs_converter` and pass the path.
   */
  weights?: string | tf.io.IOHandler | null;
  /** Include the classifier top (dense layers on top of the base). Default true. */
  includeTop?: boolean;
  /**
   * Without the top: `'avg'` or `'max'` adds global average or max pooling, so the output is
   * `[batch, channels]`; `null` (default) leaves the base's 4D feature maps. Ignored with the top.
   */
  pooling?: 'avg' | 'max' | null;
  /** Classes of the top. Default 1000 (ImageNet). */
  classes?: number;
  /**
   * `[height, width, channels]`. Default the family's ImageNet size with 3 channels (`[224, 224, 3]`,
   * `[299, 299, 3]` for Inception v3 and Xception); each side must be at least the family's minimum. Keras
   * leaves height and width unset without the top; here they are always set.
   */
  inputShape?: readonly number[];
  /** Activation of the top's last layer; `null` or `'linear'` gives logits. Default `'softmax'`. */
  classifierActivation?: string | null;
  /** Model name. Default Keras's (`vgg16`, `resnet50`, `inception_v3`...). */
  name?: string;
}

/** What a family tells the generic builder. */
export interface ApplicationSpec {
  /** Default model name. */
  name: string;
  /** ImageNet input side in pixels. */
  defaultSize: number;
  /** Smallest input side the base accepts, in pixels. */
  minSize: number;
  /** Stacks the convolutional base on the input. */
  base(x: SymbolicTensor, names: KerasNames): SymbolicTensor;
  /** The classifier top; default global average pooling `avg_pool` and dense `predictions`. */
  top?(x: SymbolicTensor, classes: number, activation: string, names: KerasNames): SymbolicTensor;
  /** Names of the pooling layers without the top; default Keras's automatic names. */
  poolingNames?: { avg?: string; max?: string };
}

/** Builds an application from its family's spec and the user's options. */
export async function buildApplication(spec: ApplicationSpec, options: ApplicationOptions): Promise<Model> {
  const who = spec.name;
  const {
    weights = null,
    includeTop = true,
    pooling = null,
    classes = 1000,
    inputShape = [spec.defaultSize, spec.defaultSize, 3],
    classifierActivation = 'softmax',
    name = spec.name,
  } = options;
  if (!Number.isInteger(classes) || classes < 1)
    throw new ConfigError(`${who}: classes must be a positive integer, got ${classes}.`);
  if (pooling !== null && pooling !== 'avg' && pooling !== 'max')
    throw new ConfigError(`${who}: pooling must be 'avg', 'max' or null, got "${pooling}".`);
  if (inputShape.length !== 3 || !inputShape.every((d) => Number.isInteger(d) && d > 0))
    throw new ConfigError(
      `${who}: inputShape must be [height, width, channels] of positive integers, got [${inputShape.join(', ')}].`,
    );
  if (inputShape[0] < spec.minSize || inputShape[1] < spec.minSize)
    throw new ConfigError(
      `${who}: input images must be at least ${spec.minSize}x${spec.minSize}, got ${inputShape[0]}x${inputShape[1]}; resize them (the default is ${spec.defaultSize}x${spec.defaultSize}).`,
    );
  const names = new KerasNames();
  const inputs = input({ shape: [...inputShape], name: 'input_layer' });
  let x = spec.base(inputs, names);
  const activation = classifierActivation ?? 'linear';
  if (includeTop) {
    x = spec.top
      ? spec.top(x, classes, activation, names)
      : dense({ units: classes, activation, name: 'predictions' }).apply(
          globalAveragePooling2d({ name: 'avg_pool' }).apply(x),
        );
  } else if (pooling === 'avg') {
    x = globalAveragePooling2d({
      name: spec.poolingNames?.avg ?? names.next('global_average_pooling2d'),
    }).apply(x);
  } else if (pooling === 'max') {
    x = globalMaxPooling2d({ name: spec.poolingNames?.max ?? names.next('global_max_pooling2d') }).apply(x);
  }
  const built = model({ inputs, outputs: x, name });
  if (weights !== null) {
    try {
      await loadWeightsByName(built, weights);
    } catch (error) {
      built.dispose();
      throw error;
    }
  }
  return built;
}
