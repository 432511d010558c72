import { describe, expect, it } from 'vitest';
import { trainPreset, type TrainConfig } from '../../shared/training.ts';
import * as tf from '../compute/tf.ts';
import { pipelineBatch } from '../models/test-support.ts';
import { createTrainableModel } from './trainable.ts';


describe('trainable model', () => {
  it('trains, evaluates, checkpoints and resumes on the backend the run asks for', async () => {
    const config: TrainConfig = { ...trainPreset('sequence-sorting', 'alexnet', 'tiny'), batchSize: 4, backend: 'wasm' };
    const before = tf.memory().numTensors;
    const model = await createTrainableModel(config);
    expect(model.backend).toBe('wasm');
    const first = await model.trainStep(pipelineBatch(config, 0));
    expect(Number.isFinite(first.loss)).toBe(true);
    expect(first.accuracy).toBeGreaterThanOrEqual(0);
    const saved = await model.save();

    const resumed = await createTrainableModel({ ...config, seed: config.seed });
    await resumed.load(saved);
    const validation = pipelineBatch(config, 99);
    expect(await resumed.evaluate(validation)).toEqual(await model.evaluate(validation));
    // Same weights, momentum and dropout seed (from the step): the next step is identical.
    expect(await resumed.trainStep(pipelineBatch(config, 1))).toEqual(await model.trainStep(pipelineBatch(config, 1)));

    model.dispose();
    resumed.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the encoder features of every element of every tuple, leaking no tensor', async () => {
    const config: TrainConfig = { ...trainPreset('clip-order', 'r3d', 'tiny'), batchSize: 2, backend: 'wasm' };
    const model = await createTrainableModel(config);
    const before = tf.memory().numTensors;
    const batch = pipelineBatch(config, 0);
    const features = await model.features(batch);
    // 2 tuples × 3 clips, one row each; evaluation mode, so the same batch gives the same rows.
    expect(features.values.length).toBe(2 * 3 * features.size);
    expect(features.size).toBeGreaterThan(0);
    expect((await model.features(batch)).values).toEqual(features.values);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses a batch of another task', async () => {
    const config: TrainConfig = { ...trainPreset('clip-order', 'r3d', 'tiny'), batchSize: 2, backend: 'wasm' };
    const model = await createTrainableModel(config);
    const other = pipelineBatch({ ...trainPreset('order-verification', 'alexnet', 'tiny'), batchSize: 2 }, 0);
    await expect(model.trainStep(other)).rejects.toThrow(/does not fit/);
    model.dispose();
  });
});
