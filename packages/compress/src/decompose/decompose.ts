/**
 * `decompose(model, options)`: a copy of a trained sequential model with chosen Dense and Conv2D
 * layers replaced by low-rank sequences of standard layers (SVD, Tucker-2, CP), initialised from the
 * decomposition of their weights. The original model is left as it was.
 */
import { ConfigError, create, type Layer, type Model, type SerializedObject, tf } from '@tensorfold/core';
import { cpConv } from './conv-cp.js';
import { tucker2Conv } from './conv-tucker2.js';
import { svdDense } from './dense-svd.js';
import { ttDense } from './dense-tt.js';
import './tt-dense.js'; // registers TTDense
import type { RankRequest, Replacement } from './types.js';

/** How layers are decomposed: `svd` and `tt` for Dense, `tucker2` and `cp` for Conv2D. */
export type DecomposeMethod = 'svd' | 'tt' | 'tucker2' | 'cp';

/** The layer class each method decomposes. */
export const METHOD_LAYERS: Record<DecomposeMethod, string> = {
  svd: 'Dense',
  tt: 'Dense',
  tucker2: 'Conv2D',
  cp: 'Conv2D',
};

/** Options of {@link decompose}. */
export interface DecomposeOptions {
  /**
   * `svd` (Dense -> two Dense), `tt` (Dense -> a registered `TTDense` with 3 cores), `tucker2`
   * (Conv2D -> 1x1, kxk, 1x1), `cp` (Conv2D -> 1x1, kx1, 1xk, 1x1).
   */
  method: DecomposeMethod;
  /**
   * Names of the layers to decompose. Default: every layer of the method's class where the
   * decomposition has fewer parameters than the layer (others are kept and reported as skipped).
   */
  layers?: string[];
  /**
   * Ranks: one number for every layer (SVD/CP rank; both Tucker-2 ranks), `[r1, r2]` (Tucker-2), or
   * a map from layer name to either. Layers the map leaves out use `energy`. Default: none.
   */
  ranks?: number | [number, number] | Record<string, number | [number, number]>;
  /** Share of the energy (sum of squared singular values) the chosen ranks keep, in (0, 1]. Default `0.9`. */
  energy?: number;
}

/** What happened to one layer. */
export interface LayerReport {
  layer: string;
  className: string;
  /** `decomposed`, or `skipped` when the decomposition would not have fewer parameters (default layer list only). */
  status: 'decomposed' | 'skipped';
  ranks: number[];
  paramsBefore: number;
  paramsAfter: number;
  /** The names of the layers that replace it. */
  replacedBy: string[];
}

/** The decomposed model and one report per layer considered. */
export interface DecomposeResult {
  model: Model;
  layers: LayerReport[];
}

const count = (t: tf.Tensor) => t.size;

/**
 * Decomposes the chosen layers of `model` (a built Sequential). The new model is not compiled;
 * fine-tune it with {@link fineTune}.
 * @throws ConfigError when the model is not sequential, a named layer does not exist or cannot be
 *   decomposed by the method (the message names the supported classes), or an option is invalid.
 * @throws ShapeError when a given rank is larger than the layer's dimensions allow.
 */
export async function decompose(model: Model, options: DecomposeOptions): Promise<DecomposeResult> {
  const { method } = options;
  const target = METHOD_LAYERS[method];
  if (!target)
    throw new ConfigError(
      `Unknown decomposition method "${method}"; use svd or tt (Dense), tucker2 or cp (Conv2D).`,
    );
  if (model.className !== 'Sequential')
    throw new ConfigError(
      `decompose() rebuilds sequential models; "${model.name}" is a ${model.className}. Rebuild it as a sequential model, or decompose its layers by hand.`,
    );
  const layers = model.layers;
  const byName = new Map(layers.map((l) => [l.name, l]));
  for (const name of options.layers ?? []) {
    const layer = byName.get(name);
    if (!layer)
      throw new ConfigError(
        `The model has no layer "${name}"; its layers: ${layers.map((l) => l.name).join(', ')}.`,
      );
    if (layer.className !== target)
      throw new ConfigError(
        `Layer "${name}" is a ${layer.className}; method "${method}" decomposes ${target} layers (svd, tt: Dense; tucker2, cp: Conv2D).`,
      );
    if (layer.className === 'Conv2D' && layer.getConfig().dataFormat === 'channelsFirst')
      throw new ConfigError(
        `Layer "${name}" is channelsFirst; decompose() supports channelsLast Conv2D layers.`,
      );
  }
  const chosen = new Set(options.layers ?? layers.filter((l) => l.className === target).map((l) => l.name));
  const explicit = options.layers !== undefined;
  const config = model.getConfig() as { name: string; layers: SerializedObject[] };
  const reports: LayerReport[] = [];
  const newSpecs: { spec: SerializedObject; weights: tf.Tensor[] }[] = [];
  try {
    for (const [i, layer] of layers.entries()) {
      const spec = config.layers[i];
      const skipped =
        !chosen.has(layer.name) ||
        (layer.className === 'Conv2D' && spec.config.dataFormat === 'channelsFirst');
      if (skipped) {
        newSpecs.push({ spec, weights: layer.getWeights() });
        continue;
      }
      const weights = layer.getWeights();
      let replacement: Replacement;
      try {
        replacement = await replace(method, spec.config, weights, rankRequest(options, layer.name));
      } finally {
        tf.dispose(weights);
      }
      const before = layer.countParams();
      const after = replacement.layers.reduce((n, l) => n + l.weights.reduce((m, w) => m + count(w), 0), 0);
      const keep = !explicit && after >= before;
      reports.push({
        layer: layer.name,
        className: layer.className,
        status: keep ? 'skipped' : 'decomposed',
        ranks: replacement.ranks,
        paramsBefore: before,
        paramsAfter: keep ? before : after,
        replacedBy: keep ? [layer.name] : replacement.layers.map((l) => String(l.config.name)),
      });
      if (keep) {
        for (const l of replacement.layers) tf.dispose(l.weights);
        newSpecs.push({ spec, weights: layer.getWeights() });
      } else {
        for (const l of replacement.layers)
          newSpecs.push({ spec: { className: l.className, config: l.config }, weights: l.weights });
      }
    }
    const rebuilt = create<Model>('layer', {
      className: 'Sequential',
      config: { name: `${config.name}_decomposed`, layers: newSpecs.map((s) => s.spec) },
    });
    setAll(
      rebuilt.layers,
      newSpecs.map((s) => s.weights),
    );
    return { model: rebuilt, layers: reports };
  } finally {
    for (const s of newSpecs) tf.dispose(s.weights);
  }
}

function rankRequest(options: DecomposeOptions, layer: string): RankRequest {
  const { ranks, energy } = options;
  if (ranks === undefined) return { energy };
  if (typeof ranks === 'number' || Array.isArray(ranks)) return { ranks };
  const own = ranks[layer];
  return own === undefined ? { energy } : { ranks: own };
}

function replace(
  method: DecomposeMethod,
  config: Record<string, unknown>,
  weights: tf.Tensor[],
  request: RankRequest,
): Promise<Replacement> {
  if (method === 'svd') return svdDense(config, weights, request);
  if (method === 'tt') return ttDense(config, weights, request);
  if (method === 'tucker2') return tucker2Conv(config, weights, request);
  return cpConv(config, weights, request);
}

function setAll(layers: Layer[], values: tf.Tensor[][]): void {
  if (layers.length !== values.length)
    throw new ConfigError(`The rebuilt model has ${layers.length} layers, expected ${values.length}.`);
  for (const [i, layer] of layers.entries()) layer.setWeights(values[i]);
}
