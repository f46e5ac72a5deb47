import { create, type Metric, ShapeError, tf } from '@tensorfold/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu, values } from '../test-utils/setup.js';
import { AUC, auc } from './auc.js';
import { ConfusionMatrix, confusionMatrix } from './confusion-matrix.js';
import { F1Score, f1Score } from './f1.js';
import { Precision, precision, Recall, recall } from './precision-recall.js';

beforeAll(useCpu);

async function run(
  metric: Metric,
  batches: Array<[number[] | number[][], number[] | number[][], number[]?]>,
) {
  for (const [y, p, w] of batches) {
    const [yt, pt] = [tf.tensor(y), tf.tensor(p)];
    const wt = w ? tf.tensor1d(w) : undefined;
    metric.update(yt, pt, wt);
    tf.dispose([yt, pt, ...(wt ? [wt] : [])]);
  }
  const r = metric.result();
  const [v] = await values(r);
  r.dispose();
  return v;
}

describe('precision and recall', () => {
  it('match hand-computed counts, with sample weights', async () => {
    expect(
      await run(precision(), [
        [
          [0, 1, 1, 1],
          [1, 0, 1, 1],
        ],
      ]),
    ).toBeCloseTo(2 / 3, 6);
    expect(
      await run(recall(), [
        [
          [0, 1, 1, 1],
          [1, 0, 1, 1],
        ],
      ]),
    ).toBeCloseTo(2 / 3, 6);
    // weights [0, 0, 1, 0] keep only the third sample, a true positive
    expect(
      await run(precision(), [
        [
          [0, 1, 1, 1],
          [1, 0, 1, 1],
          [0, 0, 1, 0],
        ],
      ]),
    ).toBe(1);
    // accumulated over batches: tp 1 + 1, fp 1 + 0
    expect(
      await run(precision(), [
        [
          [1, 0],
          [0.9, 0.8],
        ],
        [
          [1, 1],
          [0.6, 0.2],
        ],
      ]),
    ).toBeCloseTo(2 / 3, 6);
    expect(
      await run(precision(), [
        [
          [0, 0],
          [0.1, 0.2],
        ],
      ]),
    ).toBe(0);
  });

  it('threshold, topK and classId choose what counts as positive', async () => {
    expect(
      await run(precision({ threshold: 0.85 }), [
        [
          [1, 0],
          [0.9, 0.8],
        ],
      ]),
    ).toBe(1);
    const y = [[0, 1, 1, 0]];
    const p = [[0.9, 0.8, 0.7, 0.6]];
    expect(await run(precision({ topK: 2 }), [[y, p]])).toBe(0.5);
    expect(await run(recall({ topK: 2 }), [[y, p]])).toBe(0.5);
    const two = [
      [0, 1],
      [1, 0],
    ];
    expect(
      await run(precision({ classId: 1 }), [
        [
          two,
          [
            [0.2, 0.7],
            [0.6, 0.3],
          ],
        ],
      ]),
    ).toBe(1);
    expect(() => precision({ topK: 0 })).toThrow(/topK must be an integer >= 1/);
  });

  it('topK keeps exactly k predictions when scores tie, as Keras does (the first ones)', async () => {
    // 0.8 ties for second place: only the first 0.8 is in the top 2
    const y = [[0, 0, 1]];
    const p = [[0.9, 0.8, 0.8]];
    expect(await run(precision({ topK: 2 }), [[y, p]])).toBe(0);
    expect(await run(recall({ topK: 2 }), [[y, p]])).toBe(0);
  });

  it('weigh every step of a sequence by its sample weight, and score one classId there', async () => {
    // [batch 2, steps 2, units 1]; sample 0 (weight 1): tp, fp; sample 1 (weight 3): tp, fn
    const y = [
      [[1], [0]],
      [[1], [1]],
    ] as unknown as number[][];
    const p = [
      [[0.9], [0.8]],
      [[0.7], [0.2]],
    ] as unknown as number[][];
    expect(await run(precision(), [[y, p, [1, 3]]])).toBeCloseTo(4 / 5, 6);
    expect(await run(recall(), [[y, p, [1, 3]]])).toBeCloseTo(4 / 7, 6);
    // [batch 1, steps 2, classes 2], class 1: step 0 tp, step 1 fp
    const y2 = [
      [
        [0, 1],
        [1, 0],
      ],
    ] as unknown as number[][];
    const p2 = [
      [
        [0.1, 0.9],
        [0.2, 0.6],
      ],
    ] as unknown as number[][];
    expect(await run(precision({ classId: 1 }), [[y2, p2]])).toBeCloseTo(0.5, 6);
    expect(await run(precision({ topK: 1 }), [[y2, p2]])).toBeCloseTo(0.5, 6);
  });
});

describe('f1Score', () => {
  const y = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const p = [
    [0.8, 0.1, 0.1], // 0 -> 0
    [0.6, 0.3, 0.1], // 1 -> 0
    [0.1, 0.7, 0.2], // 1 -> 1
    [0.2, 0.2, 0.6], // 2 -> 2
  ];
  // per class: 0: tp 1, fp 1, fn 0 -> P 0.5 R 1 F1 2/3; 1: tp 1, fp 0, fn 1 -> F1 2/3; 2: F1 1
  const f1 = [2 / 3, 2 / 3, 1];

  it('macro, weighted and micro averages', async () => {
    expect(await run(f1Score(), [[y, p]])).toBeCloseTo((f1[0] + f1[1] + f1[2]) / 3, 5);
    expect(await run(f1Score({ average: 'weighted' }), [[y, p]])).toBeCloseTo(
      (f1[0] + 2 * f1[1] + f1[2]) / 4,
      5,
    );
    // micro: tp 3, fp 1, fn 1 -> 0.75
    expect(await run(f1Score({ average: 'micro' }), [[y, p]])).toBeCloseTo(0.75, 5);
  });

  it('checks that there is one sample weight per sample', async () => {
    const m = f1Score();
    const [yt, pt, one] = [tf.tensor(y), tf.tensor(p), tf.tensor1d([5])];
    // a single weight for a batch of 4 used to be broadcast silently over every sample
    expect(() => m.update(yt, pt, one)).toThrow(ShapeError);
    expect(() => m.update(yt, pt, one)).toThrow(/1 sample weights for a batch of 4/);
    tf.dispose([yt, pt, one]);
    expect(await run(m, [[y, p]])).toBeCloseTo((f1[0] + f1[1] + f1[2]) / 3, 5); // state unchanged
  });

  it('weighs every step of a sequence by its sample weight', async () => {
    // [batch 2, steps 2, classes 2]; sample 1 weighs 3: class 0 tp 1 + 3, fn 3 (its second step)
    const ys = [
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 0],
        [1, 0],
      ],
    ] as unknown as number[][];
    const ps = [
      [
        [0.9, 0.1],
        [0.2, 0.8],
      ],
      [
        [0.7, 0.3],
        [0.4, 0.6],
      ],
    ] as unknown as number[][];
    // class 0: tp 4, fp 0, fn 3 -> P 1, R 4/7; class 1: tp 1, fp 3, fn 0 -> P 1/4, R 1
    const f1Of = (pr: number, rc: number) => (2 * pr * rc) / (pr + rc);
    expect(await run(f1Score(), [[ys, ps, [1, 3]]])).toBeCloseTo((f1Of(1, 4 / 7) + f1Of(1 / 4, 1)) / 2, 5);
    // an empty batch (with its empty weights) adds nothing
    const empty = tf.zeros([0, 2, 2]);
    const metric = f1Score();
    metric.update(empty, empty, tf.zeros([0]));
    expect(await run(metric, [[ys, ps, [1, 3]]])).toBeCloseTo((f1Of(1, 4 / 7) + f1Of(1 / 4, 1)) / 2, 5);
    empty.dispose();
  });

  it('rejects a batch with another number of classes than the first', () => {
    const m = f1Score();
    const [y2, p2, y3, p3] = [
      tf.tensor2d([[1, 0]]),
      tf.tensor2d([[0.9, 0.1]]),
      tf.tensor2d([[1, 0, 0]]),
      tf.tensor2d([[0.9, 0.1, 0]]),
    ];
    m.update(y2, p2);
    expect(() => m.update(y3, p3)).toThrow(ShapeError);
    expect(() => m.update(y3, p3)).toThrow(/2 classes/);
    tf.dispose([y2, p2, y3, p3]);
    m.dispose();
  });

  it('thresholds a single sigmoid output at 0.5', async () => {
    // tp 1, fp 1, fn 1 -> P = R = 0.5
    expect(
      await run(f1Score(), [
        [
          [1, 0, 1, 0],
          [0.9, 0.7, 0.2, 0.1],
        ],
      ]),
    ).toBeCloseTo(0.5, 5);
  });
});

describe('auc', () => {
  it("reproduces Keras's three-threshold example and the exact area with fine thresholds", async () => {
    expect(
      await run(auc({ numThresholds: 3 }), [
        [
          [0, 0, 1, 1],
          [0, 0.5, 0.3, 0.9],
        ],
      ]),
    ).toBeCloseTo(0.75, 6);
    // the classic example whose exact ROC AUC is 0.75, accumulated over two batches
    expect(
      await run(auc(), [
        [
          [0, 0],
          [0.1, 0.4],
        ],
        [
          [1, 1],
          [0.35, 0.8],
        ],
      ]),
    ).toBeCloseTo(0.75, 6);
    expect(
      await run(auc(), [
        [
          [0, 1, 0, 1],
          [0.1, 0.9, 0.2, 0.7],
        ],
      ]),
    ).toBeCloseTo(1, 6);
  });

  it('counts a prediction equal to a threshold as not above it, as Keras (pred > threshold) does', async () => {
    // With 200 thresholds, i/199 times 199 rounds above i in float32 for 17 of them (i = 31 is one):
    // bucketed by that product alone, a prediction equal to threshold 31 counted as above it.
    const f = Math.fround;
    for (const i of [31, 53, 103]) {
      const onThreshold = f(i / 199);
      const justBelow = f((f((i - 1) / 199) + onThreshold) / 2);
      // The positive sits on threshold i, the negative between i-1 and i: above the same thresholds,
      // so a tie (area 0.5); counting the positive above threshold i ranks it first (area 1).
      expect(
        await run(auc(), [
          [
            [1, 0],
            [onThreshold, justBelow],
          ],
        ]),
      ).toBeCloseTo(0.5, 6);
    }
  });

  it('computes the PR curve with Davis-Goadrich interpolation', async () => {
    const y = [1, 0, 1, 1, 0, 0, 1, 0];
    const p = [0.9, 0.8, 0.7, 0.6, 0.45, 0.3, 0.2, 0.1];
    const metric = auc({ curve: 'PR', numThresholds: 11 });
    const area = await run(metric, [[y, p]]);
    expect(area).toBeCloseTo(referencePrAuc(y, p, metric.thresholds), 5);
    expect(area).toBeGreaterThan(0.5);
    expect(area).toBeLessThan(1);
    expect(
      await run(auc({ curve: 'PR', summationMethod: 'majoring' }), [
        [
          [0, 1],
          [0.2, 0.9],
        ],
      ]),
    ).toBeCloseTo(1, 6);
  });

  it('applies a sigmoid to logits', async () => {
    expect(
      await run(auc({ fromLogits: true, numThresholds: 3 }), [
        [
          [0, 0, 1, 1],
          [-9, -0.1, -0.4, 3],
        ],
      ]),
    ).toBeCloseTo(0.75, 6);
  });
});

/** Davis & Goadrich's interpolated PR area, from plain counts at each threshold. */
function referencePrAuc(y: number[], p: number[], thresholds: number[]): number {
  const counts = thresholds.map((t) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    y.forEach((label, i) => {
      if (p[i] > t) {
        if (label) tp++;
        else fp++;
      } else if (label) fn++;
    });
    return { tp, fp, fn };
  });
  let area = 0;
  for (let i = 0; i + 1 < counts.length; i++) {
    const [a, b] = [counts[i], counts[i + 1]];
    const dtp = a.tp - b.tp;
    const [pa, pb] = [a.tp + a.fp, b.tp + b.fp];
    const slope = pa - pb > 0 ? dtp / (pa - pb) : 0;
    const intercept = b.tp - slope * pb;
    const ratio = pa > 0 && pb > 0 ? pa / pb : 1;
    const positives = b.tp + b.fn;
    if (positives > 0) area += (slope * (dtp + intercept * Math.log(ratio))) / positives;
  }
  return area;
}

describe('confusionMatrix', () => {
  it('counts (weighted) true against predicted classes from ids, one-hot and sigmoid outputs', async () => {
    const cm = confusionMatrix({ numClasses: 3 });
    const scores = tf.tensor2d([
      [0.9, 0.05, 0.05],
      [0.1, 0.3, 0.6],
      [0.2, 0.2, 0.6],
      [0.1, 0.8, 0.1],
    ]);
    const ids = tf.tensor1d([0, 1, 2, 2], 'int32');
    cm.update(ids, scores);
    const oneHot = tf.oneHot(ids, 3, 1, 0, 'float32');
    const w = tf.tensor1d([2, 0, 0, 0]);
    cm.update(oneHot, scores, w);
    const m = cm.matrix();
    expect(await m.array()).toEqual([
      [3, 0, 0],
      [0, 0, 1],
      [0, 1, 1],
    ]);
    const r = cm.result();
    expect(await values(r)).toEqual([expect.closeTo(4 / 6, 6)]);
    tf.dispose([scores, ids, oneHot, w, m, r]);
    cm.dispose();
    const binary = confusionMatrix({ numClasses: 2 });
    expect(
      await run(binary, [
        [
          [1, 0, 1],
          [[0.9], [0.7], [0.2]],
        ],
      ]),
    ).toBeCloseTo(1 / 3, 6);
    const table = binary.matrix();
    expect(await table.array()).toEqual([
      [0, 1],
      [1, 1],
    ]);
    table.dispose();
    expect(() => confusionMatrix({ numClasses: 1 })).toThrow(/numClasses must be an integer >= 2/);
  });

  it('puts a class id outside the classes in no cell and counts it as a miss', async () => {
    const m = confusionMatrix({ numClasses: 3 });
    const scores = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
      [1, 0, 0],
    ];
    // ids 3 and -1 are no class (3 used to vanish, -1 to throw an untyped error); NaN is not class 0
    expect(await run(m, [[[0, 1, 3, -1, Number.NaN], scores]])).toBeCloseTo(2 / 5, 6);
    const table = m.matrix();
    expect(await table.array()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
    table.dispose();
    m.dispose();
  });
});

describe('classification metrics by name', () => {
  it('are registered under Keras names', () => {
    expect(create('metric', 'precision')).toBeInstanceOf(Precision);
    expect(create('metric', 'recall')).toBeInstanceOf(Recall);
    expect(create('metric', 'auc')).toBeInstanceOf(AUC);
    expect(create('metric', 'f1_score')).toBeInstanceOf(F1Score);
    expect(create('metric', { className: 'ConfusionMatrix', config: { numClasses: 4 } })).toBeInstanceOf(
      ConfusionMatrix,
    );
    const a = auc({ curve: 'PR', numThresholds: 50, name: 'pr_auc' });
    expect(create<AUC>('metric', { className: 'AUC', config: a.getConfig() }).getConfig()).toEqual(
      a.getConfig(),
    );
  });

  it('leave no tensors behind', async () => {
    const metrics = [precision(), recall(), f1Score(), auc(), confusionMatrix({ numClasses: 2 })];
    const y = tf.tensor2d([[1], [0]]);
    const p = tf.tensor2d([[0.8], [0.3]]);
    for (const m of metrics) m.update(y, p);
    const before = tf.memory().numTensors;
    for (const m of metrics) {
      m.update(y, p);
      m.result().dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    for (const m of metrics) m.dispose();
    tf.dispose([y, p]);
  });
});
