import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TASK_PRESETS } from '../../shared/tasks.ts';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import { createRng } from '../tasks/rng.ts';
import { EVALUATION } from './blocks.ts';
import { checkpointArtifacts, loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { folderHandler } from './checkpoint-folder.ts';
import { createAdam } from './adam.ts';
import type { Optimizer } from './optimizer.ts';
import { createMomentumSgd } from './sgd.ts';
import { buildTaskModel, type TaskModel } from './task-models.ts';
import { syntheticBatch } from './test-support.ts';
import { trainStep } from './train-step.ts';
import { batchTensors, type BatchTensors } from './tuple-input.ts';

const CONFIG = TASK_PRESETS['clip-order'].tiny;
const SETTINGS = { learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4 };
let dir: string;
let batch: BatchTensors;

beforeAll(async () => {
  await initBackend('wasm');
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-checkpoint-'));
  batch = batchTensors(syntheticBatch(CONFIG, 2, createRng('checkpoint')), [3, 4, 40, 40, 3]);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  tf.dispose([batch.inputs, batch.labels]);
});

const build = (seed: number) => buildTaskModel(CONFIG, { backbone: 'r3d', width: 1 / 16, seed });
const weights = (model: TaskModel) => model.params.map((param) => Array.from(param.variable.dataSync()));
const step = (model: TaskModel, optimizer: Optimizer) => trainStep(model, optimizer, batch, { seed: 9 });

describe('checkpoints', () => {
  it.each([
    ['momentum', () => createMomentumSgd(SETTINGS)],
    ['Adam moments', () => createAdam(SETTINGS)],
  ])('restore weights, BatchNorm statistics and %s: training continues exactly', async (_, createOptimizer) => {
    const original = build(1);
    const optimizer = createOptimizer();
    await step(original, optimizer);
    await step(original, optimizer);
    await saveCheckpoint(folderHandler(dir), { model: original, optimizer, description: { run: 'test' } });

    const restored = build(2);
    const restoredOptimizer = createOptimizer();
    expect(await loadCheckpoint(folderHandler(dir), { model: restored, optimizer: restoredOptimizer })).toEqual({ run: 'test' });
    expect(restoredOptimizer.iterations).toBe(2);
    expect(weights(restored)).toEqual(weights(original));
    const logits = (model: TaskModel) => tf.tidy(() => Array.from(model.apply(batch.inputs, EVALUATION).dataSync()));
    expect(logits(restored)).toEqual(logits(original));

    await step(original, optimizer);
    await step(restored, restoredOptimizer);
    expect(weights(restored)).toEqual(weights(original));
    [original, restored].forEach((model) => model.dispose());
    [optimizer, restoredOptimizer].forEach((sgd) => sgd.dispose());
  });

  it('are a tfjs model.json with a weights manifest and one weights.bin', async () => {
    const model = build(1);
    await saveCheckpoint(folderHandler(dir), { model });
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    expect(manifest.format).toBe('pretext-studio/task-model');
    expect(manifest.weightsManifest[0]?.paths).toEqual(['weights.bin']);
    expect(manifest.weightsManifest[0]?.weights.map((spec) => spec.name)).toEqual(model.params.map((param) => param.name));
    expect(existsSync(join(dir, 'weights.bin'))).toBe(true);
    model.dispose();
  });

  it('go through any IOHandler, e.g. one that keeps them in memory', async () => {
    const model = build(1);
    let stored: tf.io.ModelArtifacts | null = null;
    const memory: tf.io.IOHandler = {
      save: async (artifacts) => {
        stored = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      },
      load: async () => stored as unknown as tf.io.ModelArtifacts,
    };
    await saveCheckpoint(memory, { model });
    const copy = build(3);
    await loadCheckpoint(memory, { model: copy });
    expect(weights(copy)).toEqual(weights(model));
    [model, copy].forEach((m) => m.dispose());
  });

  it('refuse a checkpoint of another model, saying so', async () => {
    const model = build(1);
    const artifacts = await checkpointArtifacts({ model });
    const other = buildTaskModel(CONFIG, { backbone: 'c3d', width: 1 / 16, seed: 1 });
    const before = tf.memory().numTensors;
    await expect(loadCheckpoint({ load: async () => artifacts }, { model: other })).rejects.toThrow(/another model/);
    expect(tf.memory().numTensors).toBe(before);
    [model, other].forEach((m) => m.dispose());
  });
});
