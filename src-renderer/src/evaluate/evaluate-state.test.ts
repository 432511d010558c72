import { describe, expect, it } from 'vitest';
import type { EvaluationSplit, EvaluationTable, FeatureSetDto } from '@shared/dto.ts';
import { TEST_LIST_MAX_CHARS } from '@shared/dto.ts';
import { evaluatedSet } from '@shared/evaluated-set.ts';
import { Notices } from '../lib/notices/notices.svelte.ts';
import { featureSet, StubApi } from '../lib/testing/stubs.ts';
import { FeatureSetsState } from '../lib/feature-sets/feature-sets-state.svelte.ts';
import { EVALUATE_CONTEXT, EvaluateState, TEST_LIST_CONTEXT } from './evaluate-state.svelte.ts';

/** A trained set, its random-init baseline and a set still extracting (no vectors yet). */
const SETS: FeatureSetDto[] = [
  featureSet(1, { videoCount: 12 }),
  featureSet(2, { videoCount: 12, source: { kind: 'random', seed: 0, runId: null } }),
  featureSet(3, { status: 'extracting' }),
];

/** The stub evaluates the sets it is asked for (all ready ones without setIds) and maps 12 points. */
function setup() {
  const api = new StubApi({
    'features.sets': () => SETS,
    'evaluation.table': ({ seed = 0, testFraction = 0.3, setIds, testListText }): EvaluationTable => {
      const split: EvaluationSplit = {
        seed, testFraction, kind: testListText === undefined ? 'seeded' : 'list',
        train: 8, test: 4, labels: 3, unlabelled: 0, queries: [], excludedClasses: [],
      };
      const chosen = SETS.filter((set) => set.status === 'ready' && (setIds ?? [set.id]).includes(set.id));
      return { ks: [1], split, rows: chosen.map((set) => ({ ...evaluatedSet(set), topK: { 1: 0.5 }, queries: 4, gallery: 8 })) };
    },
    'evaluation.map': ({ setId, projection = 'pca' }) => ({
      setId,
      projection,
      points: Array.from({ length: 12 }, (_, i) => ({ videoId: i + 1, fileName: `v_${i + 1}.avi`, label: null, x: i, y: -i })),
    }),
  });
  const notices = new Notices();
  const evaluate = new EvaluateState(api, notices, { sets: new FeatureSetsState(api, notices) });
  return { api, notices, evaluate };
}

describe('EvaluateState', () => {
  it('evaluates every ready set by default, then the ticked ones', async () => {
    const { api, evaluate } = setup();
    await evaluate.activate('/lib');
    expect(evaluate.chosenIds).toEqual([1, 2]);

    await evaluate.evaluate();
    expect(api.callsOf('evaluation.table').at(-1)).toEqual({ seed: 0, testFraction: 0.3 });
    expect(evaluate.table?.rows.map((r) => [r.setId, r.isRandomInit])).toEqual([
      [1, false],
      [2, true],
    ]);

    evaluate.toggleSet(1);
    expect(evaluate.chosenIds).toEqual([2]);
    expect(evaluate.setSeed(7)).toBe(true);
    expect(evaluate.setSeed(Number.NaN)).toBe(false);
    expect(evaluate.setTestFraction(0.5)).toBe(true);
    expect(evaluate.setTestFraction(1)).toBe(false);
    expect(evaluate.testFraction).toBe(0.5);
    expect(await evaluate.chooseTestList(new File(['a/x.mp4 1\n'], 'testlist01.txt'))).toBe(true);
    expect(evaluate.testList?.name).toBe('testlist01.txt');
    await evaluate.evaluate();
    expect(api.callsOf('evaluation.table').at(-1)).toEqual({
      seed: 7,
      testFraction: 0.5,
      setIds: [2],
      testListText: 'a/x.mp4 1\n',
    });
    expect(evaluate.table?.split.kind).toBe('list');

    evaluate.toggleSet(2);
    expect(evaluate.canEvaluate).toBe(false);
  });

  it('refuses a test list file over the limit, or an empty one, and keeps the previous choice', async () => {
    const { api, evaluate, notices } = setup();
    await evaluate.activate('/lib');
    await evaluate.chooseTestList(new File(['x.mp4\n'], 'good.txt'));
    const huge = { name: 'huge.txt', size: TEST_LIST_MAX_CHARS + 1, text: () => Promise.reject(new Error('must not be read')) };
    expect(await evaluate.chooseTestList(huge)).toBe(false);
    expect(notices.items.at(-1)).toMatchObject({ context: TEST_LIST_CONTEXT, message: expect.stringMatching(/huge.txt is too large/) });
    expect(await evaluate.chooseTestList(new File([' \n'], 'blank.txt'))).toBe(false);
    expect(evaluate.testList).toEqual({ name: 'good.txt', text: 'x.mp4\n' });
    expect(await evaluate.chooseTestList(null)).toBe(true);
    await evaluate.evaluate();
    expect(api.callsOf('evaluation.table').at(-1)).toEqual({ seed: 0, testFraction: 0.3 });
  });

  it('draws the newest ready set’s map, and another projection on demand', async () => {
    const { api, evaluate } = setup();
    await evaluate.activate('/lib');
    expect(evaluate.mapSetId).toBe(2);
    expect(evaluate.map?.points).toHaveLength(12);
    await evaluate.setProjection('umap');
    expect(api.callsOf('evaluation.map').at(-1)).toEqual({ setId: 2, projection: 'umap' });
    expect(evaluate.map?.projection).toBe('umap');
  });

  it('reports a failed evaluation', async () => {
    const { api, evaluate, notices } = setup();
    await evaluate.activate('/lib');
    evaluate.toggleSet(2);
    evaluate.toggleSet(3);
    // Set 3 has no vectors yet: it is not sent.
    expect(evaluate.chosenIds).toEqual([1]);
    api.answers['evaluation.table'] = () => {
      throw new Error('No entry of the test list names a ready library video');
    };
    await evaluate.evaluate();
    expect(notices.items.at(-1)).toMatchObject({ context: EVALUATE_CONTEXT, message: 'No entry of the test list names a ready library video' });
    expect(evaluate.evaluating).toBe(false);
  });
});
