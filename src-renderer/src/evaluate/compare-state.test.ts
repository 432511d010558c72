import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureSetDto, RunDto } from '@shared/dto.ts';
import { alignmentError, procrustes } from '@shared/procrustes.ts';
import { trainPreset } from '@shared/training.ts';
import { FeatureSetsState } from '../lib/feature-sets/feature-sets-state.svelte.ts';
import { Notices } from '../lib/notices/notices.svelte.ts';
import { RealApi } from '../../../test-backend/real-api.ts';
import { CompareState } from './compare-state.svelte.ts';

/**
 * One library for the file: two clip-order runs trained for two steps with different seeds, each
 * with its features, a random-init baseline, and a third run recorded without weights or features.
 */
let api: RealApi;
const runs: RunDto[] = [];
const sets = new Map<number, FeatureSetDto>();
let baseline: FeatureSetDto;
let bare: RunDto;
let libraryPath: string;
beforeAll(async () => {
  api = new RealApi();
  libraryPath = (await api.openUiLibrary()).path;
  for (const seed of [1, 2]) {
    const config = { ...trainPreset('clip-order', 'r3d', 'tiny'), seed, steps: 2, batchSize: 2, evaluateEvery: 2, checkpointEvery: 2, validationTuples: 4 };
    const finished = api.next('training.finished');
    await api.call('training.start', { config });
    runs.push(await finished);
  }
  for (const source of [...runs.map((run) => ({ kind: 'run', runId: run.id }) as const), { kind: 'random', runId: runs[0]!.id } as const]) {
    const finished = api.next('features.finished');
    await api.call('features.extract', { source });
    const set = await finished;
    if (source.kind === 'run') sets.set(source.runId, set);
    else baseline = set;
  }
  bare = api.recordRun({ ...trainPreset('clip-order', 'r3d', 'tiny'), steps: 4 }, {
    metrics: [{ split: 'train', step: 4, loss: 1.7, accuracy: 0.2, stepsPerSecond: 1 }],
  });
}, 600_000); // two trainings and three extractions, on a busy machine
afterAll(() => api.close());

function setup() {
  const notices = new Notices();
  const compare = new CompareState(api, notices, { sets: new FeatureSetsState(api, notices) });
  return { compare, notices };
}

describe('CompareState on the real backend', () => {
  it('overlays the chosen runs’ curves, queries each run’s set for the same video and aligns their maps', async () => {
    const { compare } = setup();
    await compare.activate(libraryPath);
    expect(compare.runs.map((run) => run.id).sort()).toEqual([...runs, bare].map((run) => run.id).sort());
    await compare.toggleRun(runs[0]!.id);
    expect(compare.canEvaluate).toBe(false);
    await compare.toggleRun(runs[1]!.id);

    expect(compare.compared.map((c) => [c.run.id, c.set?.id])).toEqual(runs.map((run) => [run.id, sets.get(run.id)!.id]));
    expect(new Set(compare.compared.map((c) => c.colour)).size).toBe(2);
    for (const run of runs) {
      const { metrics } = await api.call('training.run', { runId: run.id });
      expect(metrics.length).toBeGreaterThan(0);
      expect(compare.curves.find((curve) => curve.runId === run.id)?.points).toEqual(metrics);
    }

    // The query is a video both maps hold, and each run answers it from its own set.
    expect(compare.queryChoices.length).toBeGreaterThan(2);
    expect(compare.queryVideoId).toBe(compare.queryChoices[0]!.videoId);
    const other = compare.queryChoices[2]!.videoId;
    await compare.query(other);
    expect(compare.neighbours.map((result) => [result.setId, result.query.videoId])).toEqual(
      runs.map((run) => [sets.get(run.id)!.id, other]),
    );
    const direct = await api.call('retrieval.query', { setId: sets.get(runs[1]!.id)!.id, videoId: other, k: 5 });
    expect(compare.neighbours[1]).toEqual(direct);

    // The second map is laid over the first: Procrustes on the aligned points finds nothing left to fit.
    const [first, second] = compare.aligned;
    expect(first!.map).toBe(compare.maps[0]);
    expect(second!.shared).toBe(compare.maps[1]!.points.length);
    const reference = new Map(first!.map.points.map((p) => [p.videoId, p]));
    const moved = second!.map.points;
    const target = moved.map((p) => reference.get(p.videoId)!);
    const raw = compare.maps[1]!.points;
    const refit = procrustes(moved, target);
    expect(refit.scale).toBeCloseTo(1, 6);
    expect(alignmentError(refit, moved, target)).toBeLessThanOrEqual(alignmentError(procrustes(raw, target), raw, target) + 1e-9);
  }, 120_000);

  it('scores the runs and the random-init baseline in one table, and says which run has no features', async () => {
    const { compare } = setup();
    await compare.activate(libraryPath);
    for (const run of [...runs, bare]) await compare.toggleRun(run.id);
    expect(compare.compared.find((c) => c.run.id === bare.id)?.set).toBeNull();
    const expected = [...runs.map((run) => sets.get(run.id)!.id), baseline.id];
    expect(compare.setIds).toEqual(expected);

    await compare.evaluate();
    expect(api.callsOf('evaluation.table').at(-1)).toEqual({ setIds: expected });
    expect(compare.table?.rows.map((row) => [row.setId, row.isRandomInit])).toEqual([
      [expected[0], false],
      [expected[1], false],
      [baseline.id, true],
    ]);
    expect(compare.classification?.method).toBe('knn');
    expect(compare.classification?.rows.map((row) => row.setId)).toEqual(expected);

    // The linear probe joins the same sets on request (it trains a classifier per set).
    expect(compare.linear).toBeNull();
    await compare.linearProbe();
    expect(api.callsOf('evaluation.classify').at(-1)).toEqual({ setIds: expected, method: 'linear' });
    expect(compare.linear?.method).toBe('linear');
    expect(compare.linear?.rows.map((row) => row.setId)).toEqual(expected);
    for (const row of compare.linear!.rows) expect(row.top1 === null || (row.top1 >= 0 && row.top1 <= 1)).toBe(true);

    // Dropping a run drops its row from the next table.
    await compare.toggleRun(runs[1]!.id);
    expect(compare.table).toBeNull();
    expect(compare.linear).toBeNull();
    expect(compare.setIds).toEqual([expected[0], baseline.id]);
  }, 120_000);

  it('shows each compared run’s tested fine-tunes, from its encoder and from random init, under the run (not as runs to pick)', async () => {
    const request = { parentRunId: runs[0]!.id, preset: 'tiny' as const, steps: 2, batchSize: 2, evaluateEvery: 2, checkpointEvery: 2 };
    const tuned: RunDto[] = [];
    for (const checkpoint of ['last', 'random'] as const) {
      const finished = api.next('training.finished');
      await api.call('training.finetune', { ...request, checkpoint });
      tuned.push(await finished);
    }
    for (const run of tuned) expect(run.status, run.error ?? '').toBe('completed');

    const { compare } = setup();
    await compare.activate(libraryPath);
    expect(compare.pickable.map((run) => run.id).sort()).toEqual([...runs, bare].map((run) => run.id).sort());
    for (const run of runs) await compare.toggleRun(run.id);
    expect(compare.finetunes.map((row) => [row.parent.run.id, row.run.id, row.fromScratch])).toEqual([
      [runs[0]!.id, tuned[0]!.id, false],
      [runs[0]!.id, tuned[1]!.id, true],
    ]);
    for (const row of compare.finetunes) expect(row.run.testAccuracy?.clips).toBe(10);
    // Dropping the parent drops its fine-tunes.
    await compare.toggleRun(runs[0]!.id);
    expect(compare.finetunes).toEqual([]);
  }, 300_000);
});
