import { describe, expect, it } from 'vitest';
import type { FeatureSetDto } from '@shared/dto.ts';
import { ApiError } from '@shared/errors.ts';
import { Notices } from '../notices/notices.svelte.ts';
import { settle } from '../testing/async.ts';
import { featureSet, StubApi } from '../testing/stubs.ts';
import { DELETE_SET_CONTEXT, EXTRACT_CONTEXT, FeatureSetsState } from './feature-sets-state.svelte.ts';

const RANDOM = { kind: 'random', seed: 0, runId: null } as const;

/**
 * The stub keeps a list of sets: an extraction adds set `nextId` (extracting, nothing yet); deleting
 * an extracting set is refused as the backend does. `finish` ends one as the backend would announce it.
 */
function setup(initial: FeatureSetDto[] = []) {
  let sets = [...initial];
  const nextId = () => Math.max(0, ...sets.map((s) => s.id)) + 1;
  const find = (setId: number) => sets.find((s) => s.id === setId)!;
  const api = new StubApi({
    'features.sets': () => sets,
    'features.extract': () => {
      const set = featureSet(nextId(), { status: 'extracting', missingCount: 6 });
      sets.push(set);
      return set;
    },
    'features.cancel': ({ setId }) => find(setId),
    'features.delete': ({ setId }) => {
      const set = find(setId);
      if (set.status === 'extracting') throw new ApiError('BUSY', `Feature set ${setId} is being extracted; cancel it first.`);
      sets = sets.filter((s) => s.id !== setId);
      return { deleted: set.videoCount };
    },
  });
  const finish = (setId: number, changes: Partial<FeatureSetDto>) => {
    const set = { ...find(setId), ...changes };
    sets = sets.map((s) => (s.id === setId ? set : s));
    api.emit('features.finished', set);
  };
  const notices = new Notices();
  const state = new FeatureSetsState(api, notices);
  state.listen();
  return { api, notices, sets: state, finish, add: (set: FeatureSetDto) => sets.push(set), replace: (next: FeatureSetDto[]) => (sets = next) };
}

describe('FeatureSetsState', () => {
  it('extracts a set with live progress; finishing refreshes it and tells the listeners', async () => {
    const { api, sets, finish } = setup();
    const finished: number[] = [];
    sets.onFinished((set) => finished.push(set.id));
    await sets.activate('/lib');
    expect(sets.sets).toEqual([]);

    const set = await sets.extract({ kind: 'run', runId: 1, checkpoint: 'best' });
    expect(set).toMatchObject({ id: 1, status: 'extracting', missingCount: 6 });
    expect(sets.extracting?.id).toBe(1);
    expect(sets.busy).toBe(true);
    // One extraction at a time: a second request is not even sent.
    expect(await sets.extract({ kind: 'random', runId: 1 })).toBeNull();
    expect(api.callsOf('features.extract')).toHaveLength(1);

    api.emit('features.progress', { setId: 1, done: 2, total: 6, clipsPerSecond: 12.5, etaSeconds: 8 });
    expect(sets.progress.get(1)).toMatchObject({ done: 2, total: 6 });

    finish(1, { status: 'ready', videoCount: 6, missingCount: 0 });
    await settle();
    expect(sets.progress.has(1)).toBe(false);
    expect(sets.byId(1)).toMatchObject({ status: 'ready', videoCount: 6, missingCount: 0 });
    expect(sets.ready.map((s) => s.id)).toEqual([1]);
    expect(sets.busy).toBe(false);
    expect(finished).toEqual([1]);
  });

  it('cancels: the set stays extracting until the backend says it stopped', async () => {
    const { api, sets, finish } = setup();
    await sets.activate('/lib');
    await sets.extract({ kind: 'random', task: 'clip-order', backbone: 'r3d', preset: 'tiny' });
    await sets.cancel(1);
    expect(api.callsOf('features.cancel')).toEqual([{ setId: 1 }]);
    expect(sets.cancelling.has(1)).toBe(true);
    finish(1, { status: 'cancelled', videoCount: 2, missingCount: 2 });
    await settle();
    expect(sets.cancelling.has(1)).toBe(false);
    expect(sets.byId(1)).toMatchObject({ status: 'cancelled', videoCount: 2, missingCount: 2 });
    expect(sets.searchable.map((s) => s.id)).toEqual([1]);
    expect(sets.ready).toEqual([]);
  });

  it('lists a set it hears about from an extraction started elsewhere', async () => {
    const { api, sets, add } = setup();
    await sets.activate('/lib');
    add(featureSet(5, { status: 'extracting', source: RANDOM }));
    api.emit('features.progress', { setId: 5, done: 1, total: 4, clipsPerSecond: null, etaSeconds: null });
    await settle();
    expect(sets.byId(5)?.status).toBe('extracting');
    expect(sets.progress.get(5)?.done).toBe(1);
  });

  it('deletes a set, and reports a refusal', async () => {
    const { notices, sets } = setup([featureSet(1, { videoCount: 4 }), featureSet(2, { status: 'extracting', source: RANDOM })]);
    await sets.activate('/lib');
    expect(await sets.delete(1)).toBe(true);
    expect(sets.sets.map((s) => s.id)).toEqual([2]);
    expect(await sets.delete(2)).toBe(false);
    expect(notices.items.at(-1)).toMatchObject({ context: DELETE_SET_CONTEXT, code: 'BUSY' });
  });

  it('reports a refused extraction and lists the one that blocks it', async () => {
    const { api, notices, sets, add } = setup();
    await sets.activate('/lib');
    add(featureSet(3, { status: 'extracting' }));
    api.answers['features.extract'] = () => {
      throw new ApiError('BUSY', 'Feature set 3 is being extracted; cancel it or wait for it first.');
    };
    expect(await sets.extract({ kind: 'random', runId: 1 })).toBeNull();
    await settle();
    expect(notices.items.at(-1)).toMatchObject({ context: EXTRACT_CONTEXT, code: 'BUSY' });
    expect(sets.extracting?.id).toBe(3);
  });

  it('drops the sets of the previous library', async () => {
    const { sets, replace } = setup([featureSet(1, { videoCount: 3 })]);
    await sets.activate('/a');
    expect(sets.sets).toHaveLength(1);
    replace([]);
    await sets.activate('/b');
    expect(sets.sets).toEqual([]);
  });
});
