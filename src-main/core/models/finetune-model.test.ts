import { beforeAll, describe, expect, it } from 'vitest';
import { TASK_PRESETS } from '../../shared/tasks.ts';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import { EVALUATION } from './blocks.ts';
import { checkpointArtifacts, loadEncoderWeights } from './checkpoint.ts';
import { buildFinetuneModel, buildTaskModel, type TaskModel } from './task-models.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const named = (model: TaskModel, prefix: string) =>
  new Map(model.params.filter((param) => param.name.startsWith(prefix)).map((param) => [param.name, Array.from(param.variable.dataSync())]));

describe('fine-tune network', () => {
  it('is the task network’s encoder (same weights, same names) on one clip, with a new classifier', async () => {
    const config = TASK_PRESETS['clip-order'].tiny;
    const pretext = buildTaskModel(config, { backbone: 'r3d', width: 1 / 16, seed: 1 });
    const finetune = buildFinetuneModel(config, { backbone: 'r3d', width: 1 / 16, seed: 2 }, 5);
    try {
      expect(finetune.tupleShape).toEqual([1, 4, 40, 40, 3]);
      expect([...named(finetune, 'encoder/').keys()]).toEqual([...named(pretext, 'encoder/').keys()]);
      expect(finetune.params.filter((param) => !param.name.startsWith('encoder/')).map((param) => param.name)).toEqual([
        'head/classifier/kernel',
        'head/classifier/bias',
      ]);
      const artifacts = await checkpointArtifacts({ model: pretext });
      const loaded = await loadEncoderWeights({ load: async () => artifacts }, finetune.params);
      expect(loaded).toBe(named(pretext, 'encoder/').size);
      expect(named(finetune, 'encoder/')).toEqual(named(pretext, 'encoder/'));
      const logits = tf.tidy(() => finetune.apply(tf.ones([3, 1, 4, 40, 40, 3]), EVALUATION));
      expect(logits.shape).toEqual([3, 5]);
      logits.dispose();
      // A frame task's encoder takes one frame.
      const frames = buildFinetuneModel(TASK_PRESETS['odd-one-out'].tiny, { backbone: 'alexnet', width: 1 / 16, seed: 2 }, 3);
      expect(frames.tupleShape[1]).toBe(1);
      frames.dispose();
    } finally {
      pretext.dispose();
      finetune.dispose();
    }
  });

  it('refuses a checkpoint of another encoder, and fewer than two classes', async () => {
    const other = buildTaskModel(TASK_PRESETS['clip-order'].tiny, { backbone: 'c3d', width: 1 / 16, seed: 1 });
    const finetune = buildFinetuneModel(TASK_PRESETS['clip-order'].tiny, { backbone: 'r3d', width: 1 / 16, seed: 2 }, 3);
    try {
      const artifacts = await checkpointArtifacts({ model: other });
      await expect(loadEncoderWeights({ load: async () => artifacts }, finetune.params)).rejects.toThrow(/made for another model|in the checkpoint but/);
      expect(() => buildFinetuneModel(TASK_PRESETS['clip-order'].tiny, { backbone: 'r3d', width: 1 / 16, seed: 2 }, 1)).toThrow(/at least 2 classes/);
    } finally {
      other.dispose();
      finetune.dispose();
    }
  });
});
