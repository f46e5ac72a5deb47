import { DataError, SerializationError } from '@tensorfold/core';
import { describe, expect, it } from 'vitest';
import { SingleLayerPerceptron } from './single-layer-perceptron.js';
import { irisArrays } from './test-utils/iris.js';

describe('SingleLayerPerceptron', () => {
  it('learns classes that each lie apart from the rest (one hyperplane per output neuron)', () => {
    // Three clusters at the corners of a triangle: each class is linearly separable from the others.
    const x = [
      [0, 0],
      [0.5, 0.3],
      [10, 0],
      [10.4, 0.6],
      [5, 9],
      [5.3, 9.5],
    ];
    const y = [0, 0, 1, 1, 2, 2];
    const model = new SingleLayerPerceptron({ outputs: 3 });
    const result = model.fit(x, y, { learningRate: 0.1, seed: 1 });
    expect(result.converged).toBe(true);
    expect(result.neuronConverged).toEqual([true, true, true]);
    expect(model.predict(x)).toEqual(y);
    expect(model.evaluate(x, y)).toMatchObject({ accuracy: 1, strictAccuracy: 1, ambiguous: 0 });
    expect(model.outputsOf([[0, 0]])).toEqual([[1, -1, -1]]);
  });

  it('on all three Iris species, says which classes one layer cannot separate', async () => {
    const { x, y } = await irisArrays();
    const model = new SingleLayerPerceptron({ outputs: 3 });
    const result = model.fit(x, y, { learningRate: 0.01, epochs: 100 });
    // Setosa lies apart from the others; versicolor sits between setosa and virginica, so no hyperplane
    // puts it alone on one side, and virginica overlaps versicolor.
    expect(result.converged).toBe(false);
    expect(result.epochs).toBe(100);
    expect(result.neuronConverged).toEqual([true, false, false]);
    const e = model.evaluate(x, y);
    expect(e.neuronAccuracy[0]).toBe(1);
    expect(e.neuronAccuracy[1]).toBeLessThan(0.8);
    expect(e.ambiguous).toBeGreaterThan(0);
    expect(e.strictAccuracy).toBeLessThan(e.accuracy);
    expect(e.accuracy).toBeLessThan(0.9);
  });

  it('round-trips through JSON and rejects labels that are not class ids', () => {
    const model = new SingleLayerPerceptron({ outputs: 2 });
    model.fit([[0], [1]], [0, 1], { learningRate: 0.5 });
    const copy = SingleLayerPerceptron.fromJSON(JSON.stringify(model));
    expect(copy.predict([[0], [1]])).toEqual(model.predict([[0], [1]]));
    expect(() => model.fit([[0]], [2])).toThrow(DataError);
    expect(() => model.fit([[0]], [2])).toThrow(/class ids 0 to 1/);
    expect(() =>
      SingleLayerPerceptron.fromJSON({
        format: 'tensorfold-classic-neuron/1',
        className: 'SingleLayerPerceptron',
      }),
    ).toThrow(SerializationError);
  });
});
