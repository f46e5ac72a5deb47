import { ConfigError, DataError, SerializationError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { LogicNetwork, xorNetwork } from './logic-network.js';
import { andNeuron, LogicNeuron, nandNeuron, norNeuron, notNeuron, orNeuron } from './logic-neuron.js';
import { linearSeparability } from './separability.js';
import { LOGIC_FUNCTIONS, logicData, truthTableInputs } from './toy-data.js';

describe('logic neurons (seed 003, 1.2)', () => {
  it('AND with w1 = w2 = 1, w0 = -1.5: (0, 1) gives φ(-0.5) = 0, as the text computes', () => {
    const and = andNeuron();
    expect(and.truthTable()).toEqual([
      { inputs: [0, 0], net: -1.5, output: 0 },
      { inputs: [0, 1], net: -0.5, output: 0 },
      { inputs: [1, 0], net: -0.5, output: 0 },
      { inputs: [1, 1], net: 0.5, output: 1 },
    ]);
  });

  it('OR with w0 = -0.5 computes φ(-1), φ(0), φ(0), φ(1) = 0, 1, 1, 1', () => {
    expect(
      orNeuron()
        .truthTable()
        .map((r) => [r.net, r.output]),
    ).toEqual([
      [-0.5, 0],
      [0.5, 1],
      [0.5, 1],
      [1.5, 1],
    ]);
  });

  it('AND, OR, NOT, NAND, NOR match their truth tables', () => {
    const neurons = {
      and: andNeuron(),
      or: orNeuron(),
      not: notNeuron(),
      nand: nandNeuron(),
      nor: norNeuron(),
    };
    for (const [name, neuron] of Object.entries(neurons)) {
      const { x, y } = logicData(name);
      expect(neuron.predict(x), name).toEqual(y);
      expect(neuron.evaluate(x, y).accuracy).toBe(1);
    }
  });

  it('an absolutely inhibitory input vetoes the output (McCulloch-Pitts)', () => {
    // x1 AND NOT x2 with x2 inhibitory: fires only on (1, 0).
    const n = new LogicNeuron({ weights: [1, 0], bias: -0.5, inhibitory: [1] });
    expect(n.predict(truthTableInputs(2))).toEqual([0, 0, 1, 0]);
    expect(LogicNeuron.fromJSON(JSON.parse(JSON.stringify(n))).predict(truthTableInputs(2))).toEqual([
      0, 0, 1, 0,
    ]);
  });

  it('rejects non-binary inputs and wrong input counts, naming the fix', () => {
    expect(() => andNeuron().predict([[0.5, 1]])).toThrow(DataError);
    expect(() => andNeuron().predict([[0.5, 1]])).toThrow(/binary inputs 0 or 1.*Threshold the data first/);
    expect(() => andNeuron().predict([[1, 1, 1]])).toThrow(/has 3 inputs but the neuron has 2 weights/);
    expect(() => new LogicNeuron({ weights: [1], bias: 0, inhibitory: [1] })).toThrow(ConfigError);
    expect(() =>
      LogicNeuron.fromJSON({ format: 'tensorfold-classic-neuron/1', className: 'Perceptron' }),
    ).toThrow(SerializationError);
  });
});

describe('linear separability', () => {
  it('AND, OR, NAND, NOR, NOT are separable, with weights that compute them', () => {
    for (const name of ['and', 'or', 'nand', 'nor', 'not']) {
      const { x, y } = logicData(name);
      const s = linearSeparability(y);
      expect(s.separable, name).toBe(true);
      const neuron = new LogicNeuron({ weights: s.weights as number[], bias: s.bias as number });
      expect(neuron.predict(x), name).toEqual(y);
    }
  });

  it("XOR is not, and the reason is the text's: the 1-rows and the 0-rows have the same sum", () => {
    const s = linearSeparability(logicData('xor').y);
    expect(s.separable).toBe(false);
    expect(s.witness).toEqual({
      ones: [
        [0, 1],
        [1, 0],
      ],
      zeros: [
        [0, 0],
        [1, 1],
      ],
    });
    expect(s.reason).toMatch(/\(0, 1\) and \(1, 0\) give 1, \(0, 0\) and \(1, 1\) give 0/);
    expect(s.inequalities).toEqual([
      'w1·0 + w2·0 + w0 < 0',
      'w1·0 + w2·1 + w0 >= 0',
      'w1·1 + w2·0 + w0 >= 0',
      'w1·1 + w2·1 + w0 < 0',
    ]);
  });

  it('counts the 14 separable functions of 2 inputs and the 104 of 3 inputs', () => {
    // Known counts of threshold functions: 4, 14, 104, 1882 for n = 1, 2, 3, 4.
    for (const [n, expected] of [
      [1, 4],
      [2, 14],
      [3, 104],
    ]) {
      let count = 0;
      for (let f = 0; f < 2 ** (2 ** n); f++) {
        const outputs = Array.from({ length: 2 ** n }, (_, r) => (f >> r) & 1);
        const s = linearSeparability(outputs);
        if (s.separable) {
          count++;
          const neuron = new LogicNeuron({ weights: s.weights as number[], bias: s.bias as number });
          expect(neuron.predict(truthTableInputs(n))).toEqual(outputs);
        }
      }
      expect(count, `n = ${n}`).toBe(expected);
    }
  });

  it('rejects tables that are not 2^n rows of 0/1', () => {
    expect(() => linearSeparability([0, 1, 1])).toThrow(ConfigError);
    expect(() => linearSeparability(new Array(128).fill(0))).toThrow(/n from 1 to 6/);
    expect(() => linearSeparability([0, 2])).toThrow(DataError);
  });
});

describe('XOR as a two-layer logic network (seed 003, 1.2.5)', () => {
  it('is (¬x1 ∧ x2) ∨ (x1 ∧ ¬x2) and computes XOR', () => {
    const net = xorNetwork();
    expect(net.hidden.map((h) => h.name)).toEqual(['¬x1 ∧ x2', 'x1 ∧ ¬x2']);
    expect(net.truthTable()).toEqual([
      { inputs: [0, 0], hidden: [0, 0], output: 0 },
      { inputs: [0, 1], hidden: [1, 0], output: 1 },
      { inputs: [1, 0], hidden: [0, 1], output: 1 },
      { inputs: [1, 1], hidden: [0, 0], output: 0 },
    ]);
    const { x, y } = logicData('xor');
    expect(net.evaluate(x, y).accuracy).toBe(1);
    expect(LogicNetwork.fromJSON(JSON.stringify(net)).predict(x)).toEqual(y);
  });

  it('computes every Boolean function of 3 inputs', () => {
    for (let f = 0; f < 256; f++) {
      const outputs = Array.from({ length: 8 }, (_, r) => (f >> r) & 1);
      expect(LogicNetwork.fromTruthTable(outputs).predict(truthTableInputs(3))).toEqual(outputs);
    }
  });

  it('has a truth table for every named function', () => {
    expect(LOGIC_FUNCTIONS).toEqual(['and', 'or', 'xor', 'nand', 'nor', 'not']);
  });
});
