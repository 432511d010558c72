import { afterEach, describe, expect, it } from 'vitest';
import { trainPreset, type TrainConfig } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import type { TrainableModel } from './engine.ts';
import { averageParts, partSeed, splitBatch, type GradientPeers } from '../models/data-parallel.ts';
import { startGradientPeers } from './gradient-peers.ts';
import { buildTaskModel } from '../models/task-models.ts';
import { dropoutSeed } from '../models/trainable-model.ts';
import { pipelineBatch } from '../models/test-support.ts';
import { createTrainableModel } from './trainable.ts';
import { createMomentumSgd } from '../models/sgd.ts';
import { applyAverage, evaluateStep, partGradients, type StepResult } from '../models/train-step.ts';
import { batchTensors } from '../models/tuple-input.ts';

// An odd batch: the parts differ in size, so the average's weights matter.
const CONFIG: TrainConfig = { ...trainPreset('sequence-sorting', 'alexnet', 'tiny'), batchSize: 5, backend: 'wasm', replicas: 2 };



const open: { dispose(): void }[] = [];
afterEach(() => open.splice(0).forEach((thing) => thing.dispose()));

describe('data-parallel training in replica threads', () => {
  it('takes each step as the average of its parts’ gradients and running statistics on the run’s weights, replicas kept in step', async () => {
    const model = await createTrainableModel(CONFIG);
    open.push(model);
    // The reference: one network takes every part's gradients itself, each part from the step's running
    // statistics, then applies their average.
    const reference = buildTaskModel(CONFIG.task, { backbone: CONFIG.backbone, width: CONFIG.width, seed: CONFIG.seed, dropout: CONFIG.dropout });
    const optimizer = createMomentumSgd(CONFIG);
    open.push(reference, optimizer);
    const statistics = reference.params.filter((param) => !param.trainable).map((param) => param.variable);
    expect(statistics.length).toBeGreaterThan(0);
    for (let step = 0; step < 4; step++) {
      const batch = pipelineBatch(CONFIG, step);
      const parts = splitBatch(batch, 2);
      const seed = dropoutSeed(CONFIG.seed, step);
      const atStart = statistics.map((variable) => tf.clone(variable));
      const results = [];
      for (const [index, part] of parts.entries()) {
        statistics.forEach((variable, i) => variable.assign(atStart[i] as tf.Tensor));
        const tensors = batchTensors(part, reference.tupleShape);
        results.push(await partGradients(reference, tensors, { seed: index === 0 ? seed : partSeed(seed, index) }));
        tf.dispose([tensors.inputs, tensors.labels]);
      }
      tf.dispose(atStart);
      const average = averageParts(results, parts.map((part) => part.labels.length));
      applyAverage(reference, optimizer, average);
      // Step 2 onwards, the replica's part runs on weights it updated itself: equal only if it applied the same average.
      expect(await model.trainStep(batch)).toEqual({ loss: average.loss, accuracy: average.accuracy } satisfies StepResult);
    }
    // Evaluation uses the running statistics: equal only if the run's model took the averaged ones.
    const validation = pipelineBatch(CONFIG, 99);
    const tensors = batchTensors(validation, reference.tupleShape);
    expect(await model.evaluate(validation)).toEqual(await evaluateStep(reference, tensors));
    tf.dispose([tensors.inputs, tensors.labels]);
  }, 120_000);

  it('resumes from a checkpoint into every replica, continuing exactly', async () => {
    const model = await createTrainableModel(CONFIG);
    open.push(model);
    await model.trainStep(pipelineBatch(CONFIG, 0));
    await model.trainStep(pipelineBatch(CONFIG, 1));
    const saved = await model.save();
    const resumed: TrainableModel = await createTrainableModel(CONFIG);
    open.push(resumed);
    await resumed.load(saved);
    for (const step of [2, 3]) expect(await resumed.trainStep(pipelineBatch(CONFIG, step))).toEqual(await model.trainStep(pipelineBatch(CONFIG, step)));
  }, 120_000);

  it('fails every step after a replica fails, saying which and why', async () => {
    await initBackend('wasm');
    const peers: GradientPeers = await startGradientPeers(CONFIG, 'wasm', 1);
    open.push(peers);
    await expect(peers.load({ 'checkpoint.json': new TextEncoder().encode('not json') })).rejects.toThrow(/data-parallel replica 1 failed: /);
    await expect(peers.gradients(splitBatch(pipelineBatch(CONFIG, 0), 2).slice(1), [1])).rejects.toThrow(/data-parallel replica 1 failed: /);
  }, 60_000);

  it('refuses work once closed, and leaves no tensor behind in the run’s thread', async () => {
    const before = tf.memory().numTensors;
    const model = await createTrainableModel(CONFIG);
    await model.trainStep(pipelineBatch(CONFIG, 0));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const peers = await startGradientPeers(CONFIG, 'wasm', 1);
    peers.dispose();
    await expect(peers.gradients(splitBatch(pipelineBatch(CONFIG, 0), 1), [1])).rejects.toThrow(/replica 1 was closed/);
  }, 60_000);
});
