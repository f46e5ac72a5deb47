/**
 * `tensorfold logic <function>`: the truth table a logic neuron computes, and whether one neuron can
 * compute the function at all (XOR cannot: then the two-layer network of seed 003 does).
 */
import type { Output } from '../output.js';

/** What `tensorfold logic --json` prints. */
export interface LogicResult {
  function: string;
  /** Whether one logic neuron computes it. */
  separable: boolean;
  reason: string;
  /** The neuron (separable functions) or the output neuron and hidden neurons (the two-layer network). */
  neurons: { name: string; weights: readonly number[]; bias: number }[];
  /** Every input row with the output computed. */
  table: { inputs: number[]; output: number }[];
  /** Whether the computed outputs match the function's truth table on every row. */
  matches: boolean;
}

const WHERE: Record<string, string> = {
  and: 'seed 003, 1.2.1',
  or: 'seed 003, 1.2.2',
  not: 'the text names NOT but gives no weights: w1 = -1, w0 = 0.5',
  nand: 'not in the text: AND with the signs flipped',
  nor: 'not in the text: OR with the signs flipped',
};

/** Prints the truth table of `name`'s neuron (or two-layer network) and whether one neuron can realize it. */
export async function logicCommand(name: string, out: Output, json = false): Promise<LogicResult> {
  const classic = await import('@tensorfold/models-classic');
  const { x, y } = classic.logicData(name);
  const separability = classic.linearSeparability(y);
  const label = name.toUpperCase();
  const show = (v: number) => String(v).padStart(2);
  const header = x[0].map((_, i) => ` x${i + 1}`).join('');
  let result: LogicResult;
  if (separability.separable) {
    const factories: Record<string, () => InstanceType<typeof classic.LogicNeuron>> = {
      and: classic.andNeuron,
      or: classic.orNeuron,
      not: classic.notNeuron,
      nand: classic.nandNeuron,
      nor: classic.norNeuron,
    };
    const neuron = factories[name]();
    const rows = neuron.truthTable();
    if (!json) {
      out.line(
        `${label}: one logic neuron y = step(${neuron.weights.map((w, i) => `${w}·x${i + 1}`).join(' + ')} ${neuron.bias < 0 ? `- ${-neuron.bias}` : `+ ${neuron.bias}`}) (${WHERE[name]})`,
      );
      out.line(`${header} | u = w·x + w0 | y | ${label}`);
      for (const [r, row] of rows.entries()) {
        out.line(
          `${row.inputs.map((v) => ` ${show(v)}`).join('')} | ${String(row.net).padStart(12)} | ${row.output} | ${y[r]}`,
        );
      }
    }
    result = {
      function: name,
      separable: true,
      reason: separability.reason,
      neurons: [{ name: neuron.name, weights: neuron.weights, bias: neuron.bias }],
      table: rows.map((r) => ({ inputs: r.inputs, output: r.output })),
      matches: rows.every((r, i) => r.output === y[i]),
    };
  } else {
    const network = classic.LogicNetwork.fromTruthTable(y);
    const rows = network.truthTable();
    if (!json) {
      out.line(`${label} cannot be computed by one neuron: it is ${separability.reason}`);
      out.line('One neuron would need weights satisfying all of:');
      for (const inequality of separability.inequalities) out.line(`  ${inequality}`);
      out.line(`Two layers of logic neurons compute it (seed 003, 1.2.5), one hidden neuron per clause:`);
      network.hidden.forEach((h, j) => {
        out.line(`  z${j + 1} = ${h.name}: w = [${h.weights.join(', ')}], w0 = ${h.bias}`);
      });
      out.line(
        `  y = OR(${network.hidden.map((_, j) => `z${j + 1}`).join(', ')}): w = [${network.output.weights.join(', ')}], w0 = ${network.output.bias}`,
      );
      out.line(`${header} | ${network.hidden.map((_, j) => `z${j + 1}`).join(' ')} | y | ${label}`);
      for (const [r, row] of rows.entries()) {
        out.line(
          `${row.inputs.map((v) => ` ${show(v)}`).join('')} | ${row.hidden.map((v) => show(v)).join(' ')} | ${row.output} | ${y[r]}`,
        );
      }
    }
    result = {
      function: name,
      separable: false,
      reason: separability.reason,
      neurons: [...network.hidden, network.output].map((n) => ({
        name: n.name,
        weights: n.weights,
        bias: n.bias,
      })),
      table: rows.map((r) => ({ inputs: r.inputs, output: r.output })),
      matches: rows.every((r, i) => r.output === y[i]),
    };
  }
  if (!json) {
    out.line(
      result.separable
        ? `One neuron can realize ${label}: ${separability.reason}`
        : `One neuron cannot realize ${label}; the two-layer network above does${result.matches ? ' (all rows match)' : ''}.`,
    );
  }
  return result;
}
