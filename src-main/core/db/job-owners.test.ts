import { describe, expect, it } from 'vitest';
import { trainPreset } from '../../shared/training.ts';
import { openMemoryDatabase, type WritableDB } from './connection.ts';
import { createFeatureSet, getFeatureSet } from './features.ts';
import { claimJob, closeAbandonedJobs, listOwners, orphanedJobIds, saveOwner, type JobOwner } from './job-owners.ts';
import { createJob, getJob } from './jobs.ts';
import { createRun, getRun } from './runs.ts';

const owner = (id: string): JobOwner => ({ id, host: 'h', pid: 1, startToken: null, heartbeatAt: '2026-01-01T00:00:00.000Z' });

/** One running job of each kind, owned by `ownerId` (or by no one). */
function jobsOf(db: WritableDB, ownerId: string | null) {
  const importId = createJob(db, '/videos').id;
  const runId = createRun(db, trainPreset('clip-order', 'r3d', 'tiny')).id;
  const setId = createFeatureSet(db, {
    sourceKey: `random:${ownerId}`,
    source: { kind: 'random', seed: 0, runId: null },
    name: 'set',
    config: trainPreset('clip-order', 'r3d', 'tiny'),
    protocol: 'compact',
    inputSize: 32,
    clipsPerVideo: 2,
    framesPerClip: 4,
  });
  if (ownerId) {
    claimJob(db, 'import', importId, ownerId);
    claimJob(db, 'training', runId, ownerId);
    claimJob(db, 'extraction', setId, ownerId);
  }
  return {
    statuses: () => [getJob(db, importId)?.status, getRun(db, runId)?.status, getFeatureSet(db, setId)?.dto.status],
    runId,
  };
}

describe('job owners', () => {
  it('closes the imports, runs and extractions of gone owners and of no owner, and leaves live owners alone', () => {
    const db = openMemoryDatabase();
    saveOwner(db, owner('live'));
    saveOwner(db, owner('dead'));
    const live = jobsOf(db, 'live');
    const dead = jobsOf(db, 'dead');
    const legacy = jobsOf(db, null);
    const isGone = (candidate: JobOwner) => candidate.id === 'dead';

    expect([...orphanedJobIds(db, 'training', isGone)].sort()).toEqual([dead.runId, legacy.runId].sort());
    expect(live.statuses()).toEqual(['running', 'running', 'extracting']);
    expect(closeAbandonedJobs(db, isGone)).toEqual({ import: 2, training: 2, extraction: 2 });
    expect(live.statuses()).toEqual(['running', 'running', 'extracting']);
    expect(dead.statuses()).toEqual(['interrupted', 'interrupted', 'interrupted']);
    expect(legacy.statuses()).toEqual(['interrupted', 'interrupted', 'interrupted']);
    expect(getRun(db, dead.runId)?.error).toMatch(/stopped.*resume/);
    expect(listOwners(db).map((row) => row.id)).toEqual(['live']);
    expect(closeAbandonedJobs(db, isGone)).toEqual({ import: 0, training: 0, extraction: 0 });
  });

  it('renews a heartbeat by saving the owner again', () => {
    const db = openMemoryDatabase();
    saveOwner(db, owner('a'));
    saveOwner(db, { ...owner('a'), heartbeatAt: '2026-01-01T00:01:00.000Z' });
    expect(listOwners(db)).toEqual([{ ...owner('a'), heartbeatAt: '2026-01-01T00:01:00.000Z' }]);
  });
});
