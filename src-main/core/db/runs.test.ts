import { describe, expect, it } from 'vitest';
import { finetunePreset, finetuneTrainConfig } from '../../shared/finetune.ts';
import { trainPreset } from '../../shared/training.ts';
import { openMemoryDatabase } from './connection.ts';
import { recordProbes } from './run-probes.ts';
import {
  createFinetuneRun,
  createRun,
  deleteRun,
  finetunePlan,
  getRun,
  listCheckpoints,
  recordCheckpoint,
  recordMetrics,
  recordTestAccuracy,
  rewindToLastCheckpoint,
  runDetail,
  setRunStatus,
} from './runs.ts';

const train = (step: number, accuracy = 0.5) => ({ split: 'train' as const, step, loss: 1, accuracy, stepsPerSecond: 2 });

describe('runs repository', () => {
  it('keeps a fine-tune run with its parent, plan and test accuracy; deleting the parent clears the link only', () => {
    const db = openMemoryDatabase();
    const parent = createRun(db, trainPreset('clip-order', 'r3d', 'tiny'));
    expect(parent).toMatchObject({ kind: 'pretext', parentRunId: null, finetune: null, testAccuracy: null });
    const config = finetunePreset(parent.id, 'tiny');
    const plan = {
      config,
      parentCheckpointStep: 20,
      parentCheckpointFolder: 'runs/1/step-20',
      classes: ['a', 'b'],
      train: [{ videoId: 1, label: 'a' }, { videoId: 2, label: 'b' }],
      test: [{ videoId: 3, label: 'a' }],
    };
    const run = createFinetuneRun(db, finetuneTrainConfig(parent.config, config, 1), parent.id, plan);
    expect(run).toMatchObject({
      kind: 'finetune',
      parentRunId: parent.id,
      task: 'clip-order',
      finetune: { config, parentCheckpointStep: 20, classes: ['a', 'b'], trainVideos: 2, testVideos: 1 },
      testAccuracy: null,
    });
    expect(finetunePlan(db, run.id)).toEqual(plan);
    expect(finetunePlan(db, parent.id)).toBeNull();
    recordTestAccuracy(db, run.id, { top1: 1, top5: null, videos: 1, clips: 10 });
    expect(getRun(db, run.id)?.testAccuracy).toEqual({ top1: 1, top5: null, videos: 1, clips: 10 });
    deleteRun(db, parent.id);
    expect(getRun(db, run.id)).toMatchObject({ kind: 'finetune', parentRunId: null, testAccuracy: { top1: 1 } });
  });

  it('stores the whole config so a run can be repeated', () => {
    const db = openMemoryDatabase();
    const config = trainPreset('clip-order', 'r3d', 'tiny');
    const run = createRun(db, config);
    expect(run).toMatchObject({ task: 'clip-order', backbone: 'r3d', status: 'running', step: 0, totalSteps: config.steps });
    expect(run.config).toEqual(config);
  });

  it('tracks progress, the best checkpoint and the resume point', () => {
    const db = openMemoryDatabase();
    const run = createRun(db, trainPreset('odd-one-out', 'alexnet', 'tiny'));
    recordMetrics(db, run.id, [train(1), train(2)]);
    recordCheckpoint(db, run.id, { step: 2, folder: 'a', validationAccuracy: 0.6 });
    recordMetrics(db, run.id, [train(3), train(4)]);
    recordCheckpoint(db, run.id, { step: 4, folder: 'b', validationAccuracy: 0.4 });
    recordMetrics(db, run.id, [train(5)]);
    expect(getRun(db, run.id)).toMatchObject({ step: 5, bestValidationAccuracy: 0.6, lastCheckpointStep: 4 });
    expect(listCheckpoints(db, run.id).map((c) => [c.step, c.isBest])).toEqual([[2, true], [4, false]]);

    setRunStatus(db, run.id, 'failed', { error: 'killed' });
    expect(rewindToLastCheckpoint(db, run.id)).toBe(4);
    expect(getRun(db, run.id)).toMatchObject({ status: 'running', step: 4, error: null });
    // Step 5 runs again after the resume: no duplicate, no gap.
    recordMetrics(db, run.id, [train(5)]);
    expect(runDetail(db, run.id)?.metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5]);
    expect(() => recordMetrics(db, run.id, [train(5)])).toThrow(/UNIQUE|PRIMARY/);
  });

  it('keeps probes with the series: in the detail, and dropped past the checkpoint a resume continues from', () => {
    const db = openMemoryDatabase();
    const run = createRun(db, trainPreset('odd-one-out', 'alexnet', 'tiny'));
    const probe = (step: number, featureSpread: number) => ({ step, featureSpread, featureSize: 32 });
    recordProbes(db, run.id, [probe(0, 0.1), probe(2, 0.09)]);
    recordCheckpoint(db, run.id, { step: 2, folder: 'a', validationAccuracy: 0.6 });
    recordProbes(db, run.id, [probe(4, 0.08)]);
    expect(runDetail(db, run.id)?.probes.map((p) => p.step)).toEqual([0, 2, 4]);
    expect(rewindToLastCheckpoint(db, run.id)).toBe(2);
    // Step 4 is measured again after the resume; the newer measurement is kept.
    recordProbes(db, run.id, [probe(4, 0.07)]);
    recordProbes(db, run.id, [probe(4, 0.05)]);
    expect(runDetail(db, run.id)?.probes).toEqual([probe(0, 0.1), probe(2, 0.09), probe(4, 0.05)]);
  });

  it('keeps a probe’s online kNN, and replaces it when the step is measured again', () => {
    const db = openMemoryDatabase();
    const run = createRun(db, trainPreset('clip-order', 'r3d', 'tiny'));
    const knn = { accuracy: 0.625, videos: 16, classes: 4, majority: 0.25 };
    recordProbes(db, run.id, [{ step: 0, featureSpread: 0.1, featureSize: 32, knn }]);
    expect(runDetail(db, run.id)?.probes).toEqual([{ step: 0, featureSpread: 0.1, featureSize: 32, knn }]);
    recordProbes(db, run.id, [{ step: 0, featureSpread: 0.2, featureSize: 32 }]);
    expect(runDetail(db, run.id)?.probes).toEqual([{ step: 0, featureSpread: 0.2, featureSize: 32 }]);
  });

});
