/**
 * The small data sets of seed 003, as plain arrays: the fruit example and the truth tables of the
 * logic functions.
 */

/** A small labelled data set: samples `x`, labels `y`, and what they mean. */
export interface ToyData {
  /** Its name, as the CLI calls it. */
  name: string;
  /** One line on what it is and where the text has it. */
  description: string;
  /** Names of the features, in column order. */
  featureNames: readonly string[];
  /** Samples, `[samples][features]`. */
  x: number[][];
  /** Labels: +1 / −1 for the fruit, 0 / 1 for the logic functions. */
  y: number[];
}

/**
 * Seed 003's fruit example (2.3): weight (g) and length (cm) of four fruits; class C1 (+1) =
 * (121, 16.8), (114, 15.2), class C2 (−1) = (210, 9.4), (195, 8.1).
 */
export function fruitData(): ToyData {
  return {
    name: 'fruit',
    description: 'Seed 003 fruit example: weight (g), length (cm); C1 = +1, C2 = -1 (4 samples)',
    featureNames: ['weight (g)', 'length (cm)'],
    x: [
      [121, 16.8],
      [114, 15.2],
      [210, 9.4],
      [195, 8.1],
    ],
    y: [1, 1, -1, -1],
  };
}

/** The inputs of a truth table of `n` binary inputs, rows in counting order (`x1` the most significant bit): 00, 01, 10, 11 for n = 2. */
export function truthTableInputs(n: number): number[][] {
  return Array.from({ length: 2 ** n }, (_, row) =>
    Array.from({ length: n }, (_, i) => (row >> (n - 1 - i)) & 1),
  );
}

const TABLES: Record<string, { inputs: number; outputs: number[]; text: string }> = {
  and: { inputs: 2, outputs: [0, 0, 0, 1], text: 'x1 AND x2' },
  or: { inputs: 2, outputs: [0, 1, 1, 1], text: 'x1 OR x2' },
  xor: { inputs: 2, outputs: [0, 1, 1, 0], text: 'x1 XOR x2 (not linearly separable)' },
  nand: { inputs: 2, outputs: [1, 1, 1, 0], text: 'NOT (x1 AND x2)' },
  nor: { inputs: 2, outputs: [1, 0, 0, 0], text: 'NOT (x1 OR x2)' },
  not: { inputs: 1, outputs: [1, 0], text: 'NOT x1' },
};

/** The names of the logic functions with a truth table here. */
export const LOGIC_FUNCTIONS: readonly string[] = Object.keys(TABLES);

/** The truth table of `name` (`and`, `or`, `xor`, `nand`, `nor`, `not`) as a data set with 0/1 labels. */
export function logicData(name: string): ToyData {
  const table = TABLES[name];
  if (!table) throw new RangeError(`No truth table "${name}"; known: ${LOGIC_FUNCTIONS.join(', ')}.`);
  return {
    name,
    description: `Truth table of ${table.text}, inputs and output 0/1 (${table.outputs.length} rows)`,
    featureNames: Array.from({ length: table.inputs }, (_, i) => `x${i + 1}`),
    x: truthTableInputs(table.inputs),
    y: [...table.outputs],
  };
}
