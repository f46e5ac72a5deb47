/**
 * Runs of consecutive `Int8Dense` layers in a sequential int8 model, each replaced by one
 * `Int8DenseStack` (one kernel call for the run; see int8-dense-stack.ts). `quantizeForInference`'s
 * `chain` step.
 */
import { create, type Layer, type Model, type SerializedObject, tf } from '@tensorfold/core';
import { serializeActivation } from '@tensorfold/layers';
import { fusedInt8, Int8Dense } from './int8-dense.js';
// registers Int8DenseStack, which `create` builds by name
import './int8-dense-stack.js';

/** A run: the Int8Dense layers' indices; the Dropout layers between them (identity in inference) go. */
interface Run {
  members: number[];
  start: number;
  end: number;
}

/**
 * The runs of two or more Int8Dense layers in `layers` where each but the last has an activation the
 * kernel applies (ReLU or linear), with nothing between them but Dropout layers.
 */
export function denseRuns(layers: readonly Layer[]): Run[] {
  const runs: Run[] = [];
  let members: number[] = [];
  const flush = () => {
    if (members.length >= 2) runs.push({ members, start: members[0], end: members[members.length - 1] });
    members = [];
  };
  layers.forEach((layer, i) => {
    const last = members.length > 0 ? (layers[members[members.length - 1]] as Int8Dense) : null;
    const open = last != null && fusedInt8(last.activation) != null;
    if (layer instanceof Int8Dense) {
      if (!open) flush();
      members.push(i);
    } else if (!(open && layer.className === 'Dropout')) flush();
  });
  flush();
  return runs;
}

/**
 * A copy of the sequential `model` with each run of {@link denseRuns} as one `Int8DenseStack` (the
 * same weights, the same numbers), or `model` itself where there is no run.
 */
export function chainDenseLayers(model: Model): Model {
  const runs = denseRuns(model.layers);
  if (runs.length === 0) return model;
  const config = model.getConfig() as { name: string; layers: SerializedObject[] };
  const specs: SerializedObject[] = [];
  const sources: number[][] = [];
  for (let i = 0; i < config.layers.length; i++) {
    const run = runs.find((r) => r.start === i);
    if (!run) {
      specs.push(config.layers[i]);
      sources.push([i]);
      continue;
    }
    const dense = run.members.map((m) => model.layers[m] as Int8Dense);
    const first = config.layers[i].config as { batchInputShape?: unknown };
    specs.push({
      className: 'Int8DenseStack',
      config: {
        name: `${dense[0].name}_to_${dense[dense.length - 1].name}`,
        units: dense.map((d) => d.units),
        activations: dense.map((d) => serializeActivation(d.activation)),
        useBias: dense.map((d) => d.useBias),
        layerNames: dense.map((d) => d.name),
        ...(first.batchInputShape ? { batchInputShape: first.batchInputShape } : {}),
      },
    });
    sources.push(run.members);
    i = run.end;
  }
  const chained = create<Model>('layer', {
    className: 'Sequential',
    config: { name: config.name, layers: specs },
  });
  chained.layers.forEach((layer: Layer, i: number) => {
    const values = sources[i].flatMap((s) => model.layers[s].getWeights());
    layer.setWeights(values);
    tf.dispose(values);
  });
  return chained;
}
