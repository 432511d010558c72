import { describe, expect, it } from 'vitest';
import { Notices } from '../lib/notices/notices.svelte.ts';
import {
  FakeApi,
  makeFeatureSet,
  makeRandomFeatureSet,
  makeRun,
  makeVideo,
  makeVideos,
  settle,
} from '../lib/testing/fake-api.ts';
import { FeatureSetsState } from '../lib/feature-sets/feature-sets-state.svelte.ts';
import { RetrieveState } from './retrieve-state.svelte.ts';

function setup(api: FakeApi) {
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
  return { api, notices, retrieve, runs };
}

const twoSets = () => [makeFeatureSet(1, { videoCount: 12 }), makeRandomFeatureSet(2, { videoCount: 12 })];

describe('RetrieveState', () => {
  it('picks the newest searchable set and asks for the query’s neighbours', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(12), featureSets: twoSets() });
    const { retrieve, runs } = setup(api);
    await retrieve.activate('/lib');
    expect(runs.refreshes).toBe(1);
    expect(retrieve.setId).toBe(2);
    expect(retrieve.picker.total).toBe(12);
    expect(api.callsOf('videos.list').at(-1)).toMatchObject({ status: 'ready' });

    await retrieve.selectQuery(makeVideo(3));
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
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(6) });
    const { retrieve } = setup(api);
    await retrieve.activate('/lib');
    await retrieve.extract({ kind: 'random', task: 'clip-order', backbone: 'r3d', preset: 'tiny' });
    expect(retrieve.setId).toBe(1);
    await retrieve.selectQuery(makeVideo(2));
    expect(retrieve.queryError).toContain('still being extracted');
    expect(retrieve.result).toBeNull();

    api.finishExtraction(1);
    await settle();
    expect(retrieve.queryError).toBeNull();
    expect(retrieve.result?.neighbours.length).toBe(5);
  });

  it('keeps showing the current results while a new set is extracted, and shows the new set when it is done', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(12), featureSets: twoSets(), runs: [makeRun(1, { lastCheckpointStep: 300 })] });
    const { retrieve } = setup(api);
    await retrieve.activate('/lib');
    await retrieve.selectQuery(makeVideo(3));
    expect(retrieve.setId).toBe(2);
    await retrieve.extract({ kind: 'random', task: 'odd-one-out', backbone: 'alexnet', preset: 'tiny' });
    expect(retrieve.setId).toBe(2);
    expect(retrieve.result?.neighbours).toHaveLength(10);
    api.finishExtraction(3);
    await settle();
    expect(retrieve.setId).toBe(3);
    expect(api.callsOf('retrieval.query').at(-1)).toMatchObject({ setId: 3, videoId: 3 });
  });

  it('chooses at most four results to compare, and plans their playback', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(12), featureSets: twoSets() });
    const { retrieve } = setup(api);
    await retrieve.activate('/lib');
    await retrieve.selectQuery(makeVideo(1));
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
    await retrieve.selectQuery(makeVideo(2));
    expect(retrieve.compared).toEqual([]);
    expect(retrieve.comparing).toBe(false);
  });

  it('keeps the chosen results the next ranking still has', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(12), featureSets: twoSets() });
    const { retrieve } = setup(api);
    await retrieve.activate('/lib');
    await retrieve.selectQuery(makeVideo(1));
    const [first] = retrieve.result!.neighbours;
    retrieve.toggleCompared(first!);
    await retrieve.setK(50);
    expect(retrieve.compared).toEqual([String(first!.videoId)]);
    api.videos = api.videos.filter((v) => v.id !== first!.videoId);
    await retrieve.run();
    expect(retrieve.compared).toEqual([]);
  });

  it('loads a query picked elsewhere by id', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(12), featureSets: twoSets() });
    const { retrieve } = setup(api);
    await retrieve.activate('/lib');
    await retrieve.selectQueryById(7);
    expect(retrieve.query?.fileName).toBe('v_7.avi');
    expect(retrieve.result?.query.videoId).toBe(7);
  });

  it('picks another set when the shown one is deleted', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(12), featureSets: twoSets(), runs: [makeRun(1)] });
    const { retrieve } = setup(api);
    await retrieve.activate('/lib');
    await retrieve.selectQuery(makeVideo(1));
    await retrieve.deleteSet(2);
    expect(retrieve.setId).toBe(1);
    await settle();
    expect(retrieve.result?.setId).toBe(1);
  });

  it('forgets the query of the previous library', async () => {
    const api = new FakeApi({ knownLibraries: ['/a', '/b'], openPath: '/a', videos: makeVideos(12), featureSets: twoSets() });
    const { retrieve } = setup(api);
    await retrieve.activate('/a');
    await retrieve.selectQuery(makeVideo(1));
    api.openPath = '/b';
    api.featureSets = [];
    await retrieve.activate('/b');
    expect(retrieve.query).toBeNull();
    expect(retrieve.result).toBeNull();
    expect(retrieve.setId).toBeNull();
  });
});
