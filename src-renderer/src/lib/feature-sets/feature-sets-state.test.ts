import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../src-main/shared/errors.ts';
import { Notices } from '../notices/notices.svelte.ts';
import { FakeApi, makeFeatureSet, makeRandomFeatureSet, makeRun, makeVideos, settle } from '../testing/fake-api.ts';
import { DELETE_SET_CONTEXT, EXTRACT_CONTEXT, FeatureSetsState } from './feature-sets-state.svelte.ts';

function setup(api: FakeApi) {
  const notices = new Notices();
  const sets = new FeatureSetsState(api, notices);
  sets.listen();
  return { api, notices, sets };
}

describe('FeatureSetsState', () => {
  it('extracts a set with live progress; finishing refreshes it and tells the listeners', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(6), runs: [makeRun(1, { lastCheckpointStep: 300 })] });
    const { sets } = setup(api);
    const finished: number[] = [];
    sets.onFinished((set) => finished.push(set.id));
    await sets.activate('/lib');
    expect(sets.sets).toEqual([]);

    const set = await sets.extract({ kind: 'run', runId: 1, checkpoint: 'best' });
    expect(set).toMatchObject({ id: 1, status: 'extracting', missingCount: 6, name: 'Run 1 · sequence-sorting alexnet · step 300' });
    expect(sets.extracting?.id).toBe(1);
    expect(sets.busy).toBe(true);
    // One extraction at a time: a second request is not even sent.
    expect(await sets.extract({ kind: 'random', runId: 1 })).toBeNull();
    expect(api.callsOf('features.extract')).toHaveLength(1);

    api.emitExtraction(1, { done: 2, clipsPerSecond: 12.5, etaSeconds: 8 });
    expect(sets.progress.get(1)).toMatchObject({ done: 2, total: 6 });

    api.finishExtraction(1);
    await settle();
    expect(sets.progress.has(1)).toBe(false);
    expect(sets.byId(1)).toMatchObject({ status: 'ready', videoCount: 6, missingCount: 0 });
    expect(sets.ready.map((s) => s.id)).toEqual([1]);
    expect(sets.busy).toBe(false);
    expect(finished).toEqual([1]);
  });

  it('cancels: the set stays extracting until the backend says it stopped', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(4) });
    const { sets } = setup(api);
    await sets.activate('/lib');
    await sets.extract({ kind: 'random', task: 'clip-order', backbone: 'r3d', preset: 'tiny' });
    await sets.cancel(1);
    expect(api.callsOf('features.cancel')).toEqual([{ setId: 1 }]);
    expect(sets.cancelling.has(1)).toBe(true);
    api.finishExtraction(1, 'cancelled', { videoCount: 2, missingCount: 2 });
    await settle();
    expect(sets.cancelling.has(1)).toBe(false);
    expect(sets.byId(1)).toMatchObject({ status: 'cancelled', videoCount: 2, missingCount: 2 });
    expect(sets.searchable.map((s) => s.id)).toEqual([1]);
    expect(sets.ready).toEqual([]);
  });

  it('lists a set it hears about from an extraction started elsewhere', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(4) });
    const { sets } = setup(api);
    await sets.activate('/lib');
    api.featureSets.push(makeRandomFeatureSet(5, { status: 'extracting' }));
    api.emitExtraction(5, { done: 1 });
    await settle();
    expect(sets.byId(5)?.status).toBe('extracting');
    expect(sets.progress.get(5)?.done).toBe(1);
  });

  it('deletes a set, and reports a refusal', async () => {
    const api = new FakeApi({
      openPath: '/lib',
      featureSets: [makeFeatureSet(1, { videoCount: 4 }), makeRandomFeatureSet(2, { status: 'extracting' })],
    });
    const { notices, sets } = setup(api);
    await sets.activate('/lib');
    expect(await sets.delete(1)).toBe(true);
    expect(sets.sets.map((s) => s.id)).toEqual([2]);
    expect(await sets.delete(2)).toBe(false);
    expect(notices.items.at(-1)).toMatchObject({ context: DELETE_SET_CONTEXT, code: 'BUSY' });
  });

  it('reports a refused extraction and lists the one that blocks it', async () => {
    const api = new FakeApi({ openPath: '/lib', featureSets: [] });
    const { notices, sets } = setup(api);
    await sets.activate('/lib');
    api.featureSets.push(makeFeatureSet(3, { status: 'extracting' }));
    api.failNext('features.extract', new ApiError('BUSY', 'Feature set 3 is being extracted; cancel it or wait for it first.'));
    expect(await sets.extract({ kind: 'random', runId: 1 })).toBeNull();
    await settle();
    expect(notices.items.at(-1)).toMatchObject({ context: EXTRACT_CONTEXT, code: 'BUSY' });
    expect(sets.extracting?.id).toBe(3);
  });

  it('drops the sets of the previous library', async () => {
    const api = new FakeApi({ knownLibraries: ['/a', '/b'], openPath: '/a', featureSets: [makeFeatureSet(1, { videoCount: 3 })] });
    const { sets } = setup(api);
    await sets.activate('/a');
    expect(sets.sets).toHaveLength(1);
    api.openPath = '/b';
    api.featureSets = [];
    await sets.activate('/b');
    expect(sets.sets).toEqual([]);
  });
});
