import { describe, expect, it } from 'vitest';
import { averageParts, partSeed, splitBatch } from './data-parallel.ts';
import type { PackedBatch } from './tuple-input.ts';

function countingBatch(tuples: number): PackedBatch {
  const shape = [tuples, 2, 1, 2, 2, 3] as const;
  const perTuple = 2 * 2 * 2 * 3;
  return { inputs: Float32Array.from({ length: tuples * perTuple }, (_, i) => i), labels: Int32Array.from({ length: tuples }, (_, i) => i), shape };
}

describe('data-parallel parts', () => {
  it('cuts a batch into parts of consecutive tuples whose sizes differ by one at most, each owning its buffers', () => {
    const batch = countingBatch(5);
    const parts = splitBatch(batch, 2);
    expect(parts.map((part) => part.shape[0])).toEqual([3, 2]);
    expect(parts.map((part) => [...part.labels])).toEqual([[0, 1, 2], [3, 4]]);
    expect(Float32Array.from(parts.flatMap((part) => [...part.inputs]))).toEqual(batch.inputs);
    expect(parts[1]?.shape.slice(1)).toEqual(batch.shape.slice(1));
    // Own buffers: a part can be transferred to another thread without detaching the batch.
    for (const part of parts) expect(part.inputs.buffer).not.toBe(batch.inputs.buffer);
    expect(splitBatch(countingBatch(2), 4).map((part) => part.shape[0])).toEqual([1, 1]);
    expect(splitBatch(countingBatch(3), 1)[0]?.inputs).toEqual(countingBatch(3).inputs);
  });

  it('averages the parts’ gradients, running statistics, loss and accuracy weighted by their tuples', () => {
    const average = averageParts(
      [
        { gradients: [Float32Array.of(3, 6), Float32Array.of(1)], statistics: [Float32Array.of(0.5)], loss: 2, accuracy: 1 },
        { gradients: [Float32Array.of(0, 3), Float32Array.of(4)], statistics: [Float32Array.of(2)], loss: 5, accuracy: 0 },
      ],
      [2, 1],
    );
    expect([...(average.gradients[0] as Float32Array)]).toEqual([2, 5]);
    expect([...(average.gradients[1] as Float32Array)]).toEqual([2]);
    expect([...(average.statistics[0] as Float32Array)]).toEqual([1]);
    expect(average.loss).toBeCloseTo(3, 12);
    expect(average.accuracy).toBeCloseTo(2 / 3, 12);
  });

  it('refuses parts that do not match', () => {
    const part = { gradients: [Float32Array.of(1, 2)], statistics: [], loss: 0, accuracy: 0 };
    expect(() => averageParts([part], [1, 1])).toThrow(/1 parts with 2 sizes/);
    expect(() => averageParts([part, { ...part, gradients: [Float32Array.of(1)] }], [1, 1])).toThrow(/part 1 has no gradient 0 of 2 values/);
    expect(() => averageParts([{ ...part, statistics: [Float32Array.of(1)] }, part], [1, 1])).toThrow(/part 1 has no statistic 0 of 1 values/);
    expect(() => averageParts([], [])).toThrow(RangeError);
  });

  it('seeds each part’s dropout apart from the first part’s and from each other', () => {
    const seeds = [1, 2, 3].map((part) => partSeed(1234, part));
    expect(new Set([1234, ...seeds]).size).toBe(4);
    expect(partSeed(1234, 1)).toBe(seeds[0]);
  });
});
