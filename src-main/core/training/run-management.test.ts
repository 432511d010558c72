import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract.ts';
import { ApiError } from '../../shared/errors.ts';
import { trainPreset } from '../../shared/training.ts';
import { dispatch } from '../api/dispatch.ts';
import { EventHub } from '../jobs/events.ts';
import { createHandlers } from '../api/handlers.ts';
import { createFeatureSet } from '../db/features.ts';
import { createRun, recordCheckpoint, setRunStatus } from '../db/runs.ts';
import { Studio } from '../studio.ts';

let dir: string;
let library: Studio;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-runs-'));
  library = new Studio({ events: new EventHub() });
  library.open(join(dir, 'lib.pretext'), true);
});
afterEach(async () => {
  await library.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await dispatch(createHandlers(library), method, input);
  if (!result.ok) throw ApiError.fromData(result.error);
  return result.value as MethodOutput<M>;
}

/** A stopped run with two checkpoint folders on disk and a feature set extracted from it. */
function storedRun(task: 'clip-order' | 'odd-one-out' = 'clip-order') {
  const { db, paths } = library.requireOpen();
  const cacheDir = paths.cache;
  const run = createRun(db, trainPreset(task, task === 'clip-order' ? 'r3d' : 'alexnet', 'tiny'));
  setRunStatus(db, run.id, 'completed', { backend: 'wasm' });
  const folders = [10, 20].map((step) => {
    const folder = join('runs', String(run.id), `step-${step}`);
    mkdirSync(join(cacheDir, folder), { recursive: true });
    recordCheckpoint(db, run.id, { step, folder, validationAccuracy: step / 100 });
    return join(cacheDir, folder);
  });
  const setId = createFeatureSet(db, {
    sourceKey: `run:${run.id}:step:20`,
    source: { kind: 'run', runId: run.id, checkpointStep: 20 },
    name: 'set',
    config: run.config,
    protocol: 'compact',
    inputSize: 32,
    clipsPerVideo: 10,
    framesPerClip: 16,
  });
  return { id: run.id, folders, setId };
}

describe('run management', () => {
  it('renames and annotates a run; a blank name restores the default title', async () => {
    const { id } = storedRun();
    expect(await call('training.update', { runId: id, name: '  baseline r3d ', note: 'first try\nlr 0.01' })).toMatchObject({
      name: 'baseline r3d',
      note: 'first try\nlr 0.01',
    });
    expect(await call('training.update', { runId: id, name: ' ' })).toMatchObject({ name: null, note: 'first try\nlr 0.01' });
    await expect(call('training.update', { runId: 99, note: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call('training.update', { runId: id, note: 'x'.repeat(10_001) })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('filters runs by task, status and words of their name or note', async () => {
    const a = storedRun('clip-order');
    const b = storedRun('odd-one-out');
    await call('training.update', { runId: b.id, name: 'Odd one, wide crops', note: 'seed sweep' });
    const ids = async (filter: MethodInput<'training.runs'>) => (await call('training.runs', filter)).map((run) => run.id);
    expect(await ids({})).toEqual([b.id, a.id]);
    expect(await ids({ task: 'clip-order' })).toEqual([a.id]);
    expect(await ids({ status: 'failed' })).toEqual([]);
    expect(await ids({ search: 'SWEEP wide' })).toEqual([b.id]);
    expect(await ids({ search: 'r3d' })).toEqual([a.id]);
    expect(await ids({ search: `#${a.id}` })).toEqual([a.id]);
  });

  it('deletes a run with its checkpoint folders and feature sets', async () => {
    const kept = storedRun();
    const doomed = storedRun();
    expect(await call('training.delete', { runId: doomed.id })).toEqual({ runId: doomed.id, checkpoints: 2, featureSets: [doomed.setId] });
    expect(doomed.folders.some((folder) => existsSync(folder))).toBe(false);
    expect(kept.folders.every((folder) => existsSync(folder))).toBe(true);
    expect((await call('training.runs', {})).map((run) => run.id)).toEqual([kept.id]);
    expect((await call('features.sets', {})).map((set) => set.id)).toEqual([kept.setId]);
    await expect(call('training.delete', { runId: doomed.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses to delete a run that a live process is training, and keeps its files', async () => {
    const { db } = library.requireOpen();
    const { id, folders } = storedRun();
    library.requireOpen().jobs.own('training', () => {
      setRunStatus(db, id, 'running');
      return id;
    });
    await expect(call('training.delete', { runId: id })).rejects.toMatchObject({ code: 'BUSY', message: expect.stringMatching(/cancel/) });
    expect(folders.every((folder) => existsSync(folder))).toBe(true);
    expect((await call('training.runs', {})).map((run) => run.status)).toEqual(['running']);
  });
});
