import { describe, expect, it } from 'vitest';
import { issueTarget } from './backend-training.js';

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
