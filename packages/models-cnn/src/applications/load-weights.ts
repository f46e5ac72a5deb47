import { ConfigError, type Model, SerializationError, ShapeError, tf } from '@tensorfold/core';

/**
 * Loads weights saved in the TensorFlow.js layers format (a `model.json` and its `.bin` shards, as
 * tensorfold saves or `tensorflowjs_converter --input_format keras` writes from a Keras model) into `model`,
 * matching weights by layer name and weight name (`block1_conv1/kernel`), as Keras's `load_weights(by_name)`.
 * Weights in the file that the model lacks are ignored (a full model's `predictions` when loading into
 * `includeTop: false`); every weight of the model must be in the file. All shapes are checked before any
 * weight is set, so a failed load changes nothing.
 *
 * @param source a directory holding `model.json`, the `model.json` path itself, a URL a registered tfjs IO
 *   router understands (`file://...` once `@tensorfold/core/node` is imported), or an `IOHandler`.
 * @throws ShapeError naming the first layer whose weight shape differs from the file's.
 * @throws SerializationError when the file lacks a weight of the model.
 */
export async function loadWeightsByName(model: Model, source: string | tf.io.IOHandler): Promise<void> {
  const handler = typeof source === 'string' ? handlerFor(source) : source;
  if (!handler.load) throw new ConfigError('The weights source cannot load (its IOHandler has no load()).');
  const artifacts = await handler.load();
  const specs = (artifacts.weightSpecs ?? []).filter((s) => s.group !== 'optimizer');
  const data = artifacts.weightData
    ? new tf.io.CompositeArrayBuffer(artifacts.weightData).slice()
    : new ArrayBuffer(0);
  const values = tf.io.decodeWeights(data, artifacts.weightSpecs ?? []);
  try {
    // The file's weights by their last two path segments (`layer/weight`): converters may prefix a scope.
    const byPath = new Map<string, tf.Tensor>();
    for (const spec of specs) {
      const parts = spec.name.split('/');
      byPath.set(parts.slice(-2).join('/'), values[spec.name]);
    }
    const plan: Array<[import('@tensorfold/core').LayerWeight, tf.Tensor]> = [];
    for (const layer of model.layers) {
      for (const weight of layer.weights) {
        const key = `${layer.name}/${weight.name}`;
        const value = byPath.get(key);
        if (!value)
          throw new SerializationError(
            `The weights file has no "${key}" (layer "${layer.name}"). It was saved from another architecture or with other layer names; load weights saved from the same builder and options.`,
          );
        if (!tf.util.arraysEqual(value.shape, weight.shape))
          throw new ShapeError(
            `Layer "${layer.name}" does not match the weights file: its ${weight.name} has shape [${weight.shape.join(', ')}] but the file's has [${value.shape.join(', ')}]. Build the model with the options the weights were saved with (inputShape, classes, includeTop).`,
          );
        plan.push([weight, value]);
      }
    }
    for (const [weight, value] of plan) weight.write(value);
  } finally {
    tf.dispose(Object.values(values));
  }
}

function handlerFor(source: string): tf.io.IOHandler {
  const path = source.replace(/\/model\.json$/, '');
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? path : `file://${path}`;
  const handlers = tf.io.getLoadHandlers(url);
  if (handlers.length === 0)
    throw new ConfigError(
      `No loader understands "${source}". In Node, import '@tensorfold/core/node' first (it registers file paths); in a browser, pass an http(s) URL or an IOHandler.`,
    );
  return handlers[0];
}
