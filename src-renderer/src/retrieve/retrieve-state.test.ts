import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureSetDto, NeighbourDto } from '@shared/dto.ts';
import { ApiError } from '@shared/errors.ts';
import { Notices } from '../lib/notices/notices.svelte.ts';
import { settle } from '../lib/testing/async.ts';
import { featureSet } from '../lib/testing/stubs.ts';
import { RealApi } from '../../../test-backend/real-api.ts';
import { FeatureSetsState } from '../lib/feature-sets/feature-sets-state.svelte.ts';
import { RetrieveState } from './retrieve-state.svelte.ts';

let backends: RealApi[] = [];
afterEach(async () => {
  await Promise.all(backends.map((api) => api.close()));
  backends = [];
});

const RANDOM = { kind: 'random', seed: 0, runId: null } as const;
const twoSets = () => [featureSet(1, { videoCount: 12 }), featureSet(2, { videoCount: 12, source: RANDOM })];

/**
 * The real backend holds `videoCount` recorded videos (v_<id>.avi, label Class<id mod 3>; the query
 * picker pages them for real); the feature sets and their rankings are stubbed in the test (the
 * ranking rules are the backend's tests' business): an extraction adds an extracting set that
 * `finish` makes ready, a query ranks the other listed videos by id, a set without vectors is refused.
 */
async function setup(videoCount: number, initial: FeatureSetDto[] = []) {
  const api = new RealApi();
  backends.push(api);
  const { path } = await api.openLibrary();
  api.recordVideos(videoCount, (i) => ({ label: `Class${i % 3}` }));
  const store = { sets: [...initial] };
  const find = (setId: number) => store.sets.find((s) => s.id === setId)!;
  api.override('features.sets', () => store.sets);
  api.override('features.extract', () => {
    const set = featureSet(Math.max(0, ...store.sets.map((s) => s.id)) + 1, { status: 'extracting', source: RANDOM });
    store.sets.push(set);
    return set;
  });
  api.override('features.delete', ({ setId }) => {
    store.sets = store.sets.filter((s) => s.id !== setId);
    return { deleted: 12 };
  });
  api.override('retrieval.query', ({ setId, videoId, k = 10, clipIndex }) => {
    const set = find(setId);
    if (set.videoCount === 0) throw new ApiError('INVALID_INPUT', `Feature set ${setId} is still being extracted; extract it first.`);
    const clip = (index: number) => ({ index, startSeconds: index * 0.7, endSeconds: index * 0.7 + 0.64 });
    const named = (id: number) => ({ videoId: id, fileName: `v_${id}.avi`, label: `Class${id % 3}` });
    const neighbours = api.listedIds().filter((id) => id !== videoId).slice(0, k).map((id, i): NeighbourDto => ({
      ...named(id), rank: i + 1, score: 1 - i / 100, sameLabel: id % 3 === videoId % 3, clip: null, match: null,
    }));
    return { setId, query: { ...named(videoId), clip: clipIndex === undefined ? null : clip(clipIndex) }, neighbours };
  });
  const finish = (setId: number) => {
    const set = { ...find(setId), status: 'ready' as const, videoCount, missingCount: 0 };
    store.sets = store.sets.map((s) => (s.id === setId ? set : s));
    api.events.emit('features.finished', set);
  };
  const notices = new Notices();
  const sets = new FeatureSetsState(api, notices);
  // The Train screen's run list, as Retrieve sees it.
  const runs = {
    runs: [],
    refreshes: 0,
    refresh() {
      this.refreshes++;
      return Promise.resolve();
    },
  };
  const retrieve = new RetrieveState(api, notices, { sets, runs });
  sets.listen();
  retrieve.listen();
  return { api, store, finish, notices, retrieve, runs, path };
}

/** The recorded video `id` as the backend lists it. */
async function video(api: RealApi, id: number) {
  return api.call('videos.get', { id });
}

describe('RetrieveState', () => {
  it('picks the newest searchable set and asks for the query’s neighbours', async () => {
    const { api, retrieve, runs, path } = await setup(12, twoSets());
    await retrieve.activate(path);
    expect(runs.refreshes).toBe(1);
    expect(retrieve.setId).toBe(2);
    expect(retrieve.picker.total).toBe(12);
    expect(api.callsOf('videos.list').at(-1)).toMatchObject({ status: 'ready' });

    await retrieve.selectQuery(await video(api, 3));
    expect(api.callsOf('retrieval.query').at(-1)).toEqual({ setId: 2, videoId: 3, k: 10 });
    expect(retrieve.result?.neighbours).toHaveLength(10);
    expect(retrieve.picker.selected?.id).toBe(3);

    // The same query again in another set, with another k, then with one of its clips.
    await retrieve.selectSet(1);
    expect(api.callsOf('retrieval.query').at(-1)).toEqual({ setId: 1, videoId: 3, k: 10 });
    expect(retrieve.result?.setId).toBe(1);
    await retrieve.setK(5);
    expect(retrieve.result?.neighbours).toHaveLength(5);
    await retrieve.setClipIndex(4);
    expect(api.callsOf('retrieval.query').at(-1)).toEqual({ setId: 1, videoId: 3, k: 5, clipIndex: 4 });
    expect(retrieve.result?.query.clip?.index).toBe(4);
  });

  it('shows why a query failed, and asks again when the set’s extraction finishes', async () => {
    const { api, retrieve, finish, path } = await setup(6);
    await retrieve.activate(path);
    await retrieve.extract({ kind: 'random', task: 'clip-order', backbone: 'r3d', preset: 'tiny' });
    expect(retrieve.setId).toBe(1);
    await retrieve.selectQuery(await video(api, 2));
    expect(retrieve.queryError).toContain('still being extracted');
    expect(retrieve.result).toBeNull();

    finish(1);
    await settle();
    expect(retrieve.queryError).toBeNull();
    expect(retrieve.result?.neighbours.length).toBe(5);
  });

  it('keeps showing the current results while a new set is extracted, and shows the new set when it is done', async () => {
    const { api, retrieve, finish, path } = await setup(12, twoSets());
    await retrieve.activate(path);
    await retrieve.selectQuery(await video(api, 3));
    expect(retrieve.setId).toBe(2);
    await retrieve.extract({ kind: 'random', task: 'odd-one-out', backbone: 'alexnet', preset: 'tiny' });
    expect(retrieve.setId).toBe(2);
    expect(retrieve.result?.neighbours).toHaveLength(10);
    finish(3);
    await settle();
    expect(retrieve.setId).toBe(3);
    expect(api.callsOf('retrieval.query').at(-1)).toMatchObject({ setId: 3, videoId: 3 });
  });

  it('chooses at most four results to compare, and plans their playback', async () => {
    const { api, retrieve, path } = await setup(12, twoSets());
    await retrieve.activate(path);
    await retrieve.selectQuery(await video(api, 1));
    const neighbours = retrieve.result?.neighbours ?? [];
    for (const neighbour of neighbours.slice(0, 6)) retrieve.toggleCompared(neighbour);
    expect(retrieve.compared).toEqual(neighbours.slice(0, 4).map((n) => String(n.videoId)));
    expect(retrieve.canCompareMore).toBe(false);
    retrieve.toggleCompared(neighbours[1]!);
    expect(retrieve.compared).toHaveLength(3);

    retrieve.openComparison();
    expect(retrieve.comparePlan?.span).toBe(7.2);
    expect(retrieve.comparePlan?.tiles.map((t) => t.videoId)).toEqual([1, neighbours[0]!.videoId, neighbours[2]!.videoId, neighbours[3]!.videoId]);

    // Another query starts a fresh choice.
    await retrieve.selectQuery(await video(api, 2));
    expect(retrieve.compared).toEqual([]);
    expect(retrieve.comparing).toBe(false);
  });

  it('keeps the chosen results the next ranking still has', async () => {
    const { api, retrieve, path } = await setup(12, twoSets());
    await retrieve.activate(path);
    await retrieve.selectQuery(await video(api, 1));
    const [first] = retrieve.result!.neighbours;
    retrieve.toggleCompared(first!);
    await retrieve.setK(50);
    expect(retrieve.compared).toEqual([String(first!.videoId)]);
    api.removeVideo(first!.videoId);
    await retrieve.run();
    expect(retrieve.compared).toEqual([]);
  });

  it('loads a query picked elsewhere by id', async () => {
    const { api, retrieve, path } = await setup(12, twoSets());
    await retrieve.activate(path);
    await retrieve.selectQueryById(7);
    expect(api.callsOf('videos.get')).toEqual([{ id: 7 }]);
    expect(retrieve.query?.fileName).toBe('v_7.avi');
    expect(retrieve.result?.query.videoId).toBe(7);
  });

  it('picks another set when the shown one is deleted', async () => {
    const { api, retrieve, path } = await setup(12, twoSets());
    await retrieve.activate(path);
    await retrieve.selectQuery(await video(api, 1));
    await retrieve.deleteSet(2);
    expect(retrieve.setId).toBe(1);
    await settle();
    expect(retrieve.result?.setId).toBe(1);
  });

  it('forgets the query of the previous library', async () => {
    const { api, store, retrieve, path } = await setup(12, twoSets());
    await retrieve.activate(path);
    await retrieve.selectQuery(await video(api, 1));
    store.sets = [];
    const other = await api.openLibrary('other.pretext');
    await retrieve.activate(other.path);
    expect(retrieve.query).toBeNull();
    expect(retrieve.result).toBeNull();
    expect(retrieve.setId).toBeNull();
  });
});
