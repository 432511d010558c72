import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trainPreset } from '../../shared/training.ts';
import { openMemoryDatabase, type WritableDB } from '../db/connection.ts';
import { createFeatureSet } from '../db/features.ts';
import { createRun, listCheckpoints, recordCheckpoint, rewindToLastCheckpoint } from '../db/runs.ts';
import { pruneCheckpoints } from './checkpoint-pruning.ts';

let cacheDir: string;
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'pretext-prune-'));
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

/** A run with checkpoints (folder and record) at 50, 100, … with these validation accuracies. */
function runWithCheckpoints(db: WritableDB, accuracies: (number | null)[]): number {
  const run = createRun(db, trainPreset('clip-order', 'r3d', 'tiny'));
  accuracies.forEach((accuracy, i) => {
    const folder = `runs/${run.id}/step-${(i + 1) * 50}`;
    mkdirSync(join(cacheDir, folder), { recursive: true });
    recordCheckpoint(db, run.id, { step: (i + 1) * 50, folder, validationAccuracy: accuracy });
  });
  return run.id;
}

const folderOf = (runId: number, step: number) => join(cacheDir, `runs/${runId}/step-${step}`);

describe('pruneCheckpoints', () => {
  it('deletes the records and folders of all but the newest few and the best', async () => {
    const db = openMemoryDatabase();
    const runId = runWithCheckpoints(db, [0.2, 0.5, 0.3, 0.3, 0.3, null]);
    const { steps, removed } = pruneCheckpoints(db, runId, { cacheDir, keepLast: 3 });
    await removed;
    expect(steps).toEqual([50, 150]);
    expect(listCheckpoints(db, runId).map((c) => c.step)).toEqual([100, 200, 250, 300]);
    expect([50, 100, 150, 200, 250, 300].map((step) => existsSync(folderOf(runId, step)))).toEqual([false, true, false, true, true, true]);
    // The resume point is untouched.
    expect(rewindToLastCheckpoint(db, runId)).toBe(300);
  });

  it('keeps checkpoints a feature set was extracted from', async () => {
    const db = openMemoryDatabase();
    const runId = runWithCheckpoints(db, [0.2, 0.5, 0.3, 0.3]);
    createFeatureSet(db, {
      sourceKey: `run:${runId}:step:50`,
      source: { kind: 'run', runId, checkpointStep: 50 },
      name: 'n',
      config: trainPreset('clip-order', 'r3d', 'tiny'),
      clipsPerVideo: 10,
      framesPerClip: 4,
      protocol: 'compact',
      inputSize: 40,
    });
    await pruneCheckpoints(db, runId, { cacheDir, keepLast: 1 }).removed;
    expect(listCheckpoints(db, runId).map((c) => c.step)).toEqual([50, 100, 200]);
  });

  it('never leaves a record without its folder, even when deleting folders fails (a kill mid-prune)', async () => {
    const db = openMemoryDatabase();
    const runId = runWithCheckpoints(db, [0.2, 0.5, 0.3, 0.3, 0.3]);
    const { removed } = pruneCheckpoints(db, runId, {
      cacheDir,
      keepLast: 2,
      remove: async () => {
        throw new Error('killed');
      },
    });
    await expect(removed).rejects.toThrow('killed');
    // The stray folders waste space but every recorded checkpoint, the resume point first, is there.
    const kept = listCheckpoints(db, runId);
    expect(kept.map((c) => c.step)).toEqual([100, 200, 250]);
    expect(kept.every((c) => existsSync(join(cacheDir, c.folder)))).toBe(true);
    expect(rewindToLastCheckpoint(db, runId)).toBe(250);
  });
});
