import { describe, expect, it } from 'vitest';
import { TASK_PRESETS, tupleShape } from '../../shared/tasks.ts';
import * as tf from '../compute/tf.ts';
import { batchTensors } from './tuple-input.ts';

describe('tuple input', () => {
  it('matches the pipeline layout of every task', () => {
    const tiny = (task: keyof typeof TASK_PRESETS) => TASK_PRESETS[task].tiny;
    expect(tupleShape(tiny('order-verification'))).toEqual([3, 1, 40, 40, 3]);
    expect(tupleShape(tiny('sequence-sorting'))).toEqual([4, 1, 32, 32, 3]);
    expect(tupleShape(tiny('odd-one-out'))).toEqual([4, 3, 40, 40, 3]);
    expect(tupleShape(tiny('clip-order'))).toEqual([3, 4, 40, 40, 3]);
    expect(tupleShape(TASK_PRESETS['clip-order'].paper)).toEqual([3, 16, 112, 112, 3]);
  });

  it('turns a packed batch into tensors without reordering', () => {
    const config = { ...TASK_PRESETS['sequence-sorting'].tiny, patchSize: 8 };
    const shape = [2, 4, 1, 8, 8, 3] as const;
    const inputs = Float32Array.from({ length: 2 * 4 * 8 * 8 * 3 }, (_, i) => i / 1000);
    const tensors = batchTensors({ inputs, shape, labels: Int32Array.from([3, 11]) }, tupleShape(config));
    expect(tensors.inputs.shape).toEqual([...shape]);
    expect(tensors.inputs.dataSync()).toEqual(inputs);
    expect(tensors.labels.dtype).toBe('int32');
    expect([...tensors.labels.dataSync()]).toEqual([3, 11]);
    tf.dispose([tensors.inputs, tensors.labels]);
  });

  it('refuses a batch of another shape, saying both', () => {
    const inputs = new Float32Array(2 * 3 * 1 * 8 * 8 * 3);
    const batch = { inputs, shape: [2, 3, 1, 8, 8, 3] as const, labels: new Int32Array(2) };
    expect(() => batchTensors(batch, [4, 1, 8, 8, 3])).toThrow(/\[3, 1, 8, 8, 3\].*\[4, 1, 8, 8, 3\]/);
    expect(() => batchTensors({ ...batch, labels: new Int32Array(3) }, [3, 1, 8, 8, 3])).toThrow(/does not match/);
  });
});
