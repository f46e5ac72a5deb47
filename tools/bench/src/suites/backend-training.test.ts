import { afterEach, describe, expect, it } from 'vitest';
import { DATA_KINDS } from '../training-data.js';
import { caseLabel, chosen, issueTarget } from './backend-training.js';

describe('issueTarget', () => {
  it("holds issue 22's targets against PyTorch", () => {
    expect(issueTarget('mlp', 1, 1)).toBe(1.5);
    expect(issueTarget('mlp', 2, 2)).toBe(1);
    expect(issueTarget('mlp', 2, 1)).toBeNull();
    expect(issueTarget('mlp', 1, 2)).toBeNull();
    // LeNet-5: >= 1x whichever of PyTorch's settings is faster, so against each.
    expect(issueTarget('lenet5', 2, 1)).toBe(1);
    expect(issueTarget('lenet5', 1, 2)).toBe(1);
  });
});

describe('BACKEND_TRAINING_DATA', () => {
  afterEach(() => {
    delete process.env.BACKEND_TRAINING_DATA;
  });

  it('picks both kinds of data when unset, one when named, and names the choices otherwise', () => {
    expect(chosen('BACKEND_TRAINING_DATA', DATA_KINDS)).toEqual(['random', 'mnist']);
    process.env.BACKEND_TRAINING_DATA = 'MNIST';
    expect(chosen('BACKEND_TRAINING_DATA', DATA_KINDS)).toEqual(['mnist']);
    process.env.BACKEND_TRAINING_DATA = 'random, mnist';
    expect(chosen('BACKEND_TRAINING_DATA', DATA_KINDS)).toEqual(['random', 'mnist']);
    process.env.BACKEND_TRAINING_DATA = 'cifar';
    expect(() => chosen('BACKEND_TRAINING_DATA', DATA_KINDS)).toThrow(
      'BACKEND_TRAINING_DATA: unknown cifar; choose from random, mnist.',
    );
  });

  it("keeps the random rows' case names and marks the MNIST rows", () => {
    expect(caseLabel('LeNet-5, Adam, batch 64', 'random')).toBe('LeNet-5, Adam, batch 64');
    expect(caseLabel('LeNet-5, Adam, batch 64', 'mnist')).toBe('LeNet-5, Adam, batch 64, real MNIST batches');
  });
});
