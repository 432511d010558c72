import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import { labelledItems, shuffledLabels } from './test-support.ts';
import { linearProbe } from './linear-probe.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('linearProbe', () => {
  it('scores 1.0 when the features encode the label, and reports its sweep', async () => {
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const result = await linearProbe({
      train: labelledItems(5, 12, 1, { noise: 0.5 }),
      test: labelledItems(5, 4, 2, { noise: 0.5, firstKey: 1000 }),
      seed: 0,
      steps: 60,
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(result).toMatchObject({ top1: 1, top5: 1, queries: 20, classes: 5, validationAccuracy: 1 });
    expect(result.validation).toBeGreaterThan(0);
    expect([1e-4, 1e-3, 1e-2, 1e-1]).toContain(result.weightDecay);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toHaveLength(5 * 60);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('scores about chance when the labels are shuffled', async () => {
    const train = shuffledLabels(labelledItems(8, 30, 3, { noise: 2 }), 4, 4);
    const test = shuffledLabels(labelledItems(8, 30, 5, { noise: 2, firstKey: 1000 }), 4, 6);
    const result = await linearProbe({ train, test, seed: 1, steps: 40, weightDecays: [1e-2] });
    expect(result.queries).toBe(240);
    expect(result.top1).toBeGreaterThan(0.12);
    expect(result.top1).toBeLessThan(0.4);
  });

  it('is seeded: the same inputs give the same result', async () => {
    const options = { train: labelledItems(3, 6, 7, { noise: 3 }), test: labelledItems(3, 3, 8, { noise: 3, firstKey: 100 }), seed: 4, steps: 20 };
    expect(await linearProbe(options)).toEqual(await linearProbe(options));
  });

  it('keeps the middle weight decay when no validation part can be held out, and stops when cancelled', async () => {
    const single = [0, 1, 2].map((cls) => ({ key: cls, label: `c${cls}`, vector: Float32Array.from([cls, 1]) }));
    const result = await linearProbe({ train: single, test: [], seed: 0, steps: 5 });
    expect(result).toMatchObject({ validationAccuracy: null, validation: 0, weightDecay: 1e-3, queries: 0, top1: null });
    await expect(linearProbe({ train: single, test: [], seed: 0, steps: 5, signal: AbortSignal.abort() })).rejects.toThrow();
    await expect(linearProbe({ train: [], test: single, seed: 0 })).rejects.toThrow(/training videos/);
  });
});
