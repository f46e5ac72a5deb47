/**
 * Runs of consecutive `Int8Dense` layers in a sequential int8 model, each to be one `Int8DenseStack`
 * (one kernel call for the run; see int8-dense-stack.ts). `quantizeForInference`'s `chain` step: it
 * rewrites the layer specs before the model is built, so the model is built once.
 */
import type { Layer, SerializedObject } from '@tensorfold/core';
import { getActivation } from '@tensorfold/layers';
import { fusedInt8, Int8Dense } from './int8-dense.js';

/** A run: the Int8Dense layers' indices; the Dropout layers between them (identity in inference) go. */
interface Run {
  members: number[];
  start: number;
  end: number;
}

/** What a run needs of a layer: its class, and whether the kernel applies its activation (an Int8Dense's). */
interface RunItem {
  className: string;
  fused: boolean;
}

/**
 * The runs of two or more Int8Dense items where each but the last has an activation the kernel
 * applies (ReLU or linear), with nothing between them but Dropout layers.
 */
function runsOf(items: readonly RunItem[]): Run[] {
  const runs: Run[] = [];
  let members: number[] = [];
  const flush = () => {
    if (members.length >= 2) runs.push({ members, start: members[0], end: members[members.length - 1] });
    members = [];
  };
  items.forEach((item, i) => {
    const open = members.length > 0 && items[members[members.length - 1]].fused;
    if (item.className === Int8Dense.className) {
      if (!open) flush();
      members.push(i);
    } else if (!(open && item.className === 'Dropout')) flush();
  });
  flush();
  return runs;
}

/** The runs of {@link runsOf} among built layers. */
export function denseRuns(layers: readonly Layer[]): Run[] {
  return runsOf(
    layers.map((layer) => ({
      className: layer instanceof Int8Dense ? Int8Dense.className : layer.className,
      fused: layer instanceof Int8Dense && fusedInt8(layer.activation) != null,
    })),
  );
}

/**
 * The layer specs of a sequential int8 model with each run of Int8Dense specs as one
 * `Int8DenseStack` spec (its weights: the run's layers' weights in order), and for each resulting spec
 * the indices of the specs it stands for (a run's Dropout layers are left out).
 */
export function chainSpecs(specs: readonly SerializedObject[]): {
  specs: SerializedObject[];
  sources: number[][];
} {
  const config = (i: number) => specs[i].config as Record<string, unknown>;
  const runs = runsOf(
    specs.map((spec, i) => ({
      className: spec.className,
      fused:
        spec.className === Int8Dense.className &&
        fusedInt8(getActivation(config(i).activation as string | undefined)) != null,
    })),
  );
  const out: SerializedObject[] = [];
  const sources: number[][] = [];
  for (let i = 0; i < specs.length; i++) {
    const run = runs.find((r) => r.start === i);
    if (!run) {
      out.push(specs[i]);
      sources.push([i]);
      continue;
    }
    const dense = run.members.map(config);
    const first = dense[0];
    out.push({
      className: 'Int8DenseStack',
      config: {
        name: `${first.name}_to_${dense[dense.length - 1].name}`,
        units: dense.map((d) => d.units),
        activations: dense.map((d) => d.activation ?? 'linear'),
        useBias: dense.map((d) => d.useBias ?? true),
        layerNames: dense.map((d) => d.name),
        ...(first.batchInputShape ? { batchInputShape: first.batchInputShape } : {}),
      },
    });
    sources.push(run.members);
    i = run.end;
  }
  return { specs: out, sources };
}
