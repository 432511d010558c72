/** Questions to a feature set, on hand-made vectors stored in a real library file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvaluationProgress, FeatureProtocol } from '../../shared/dto.ts';
import { trainPreset } from '../../shared/training.ts';
import { EventHub } from '../jobs/events.ts';
import { createRun } from '../db/runs.ts';
import { createFeatureSet, saveVideoFeatures, setFeatureSetStatus, setFeatureSize } from '../db/features.ts';
import { Studio } from '../studio.ts';

let work: string;
let library: Studio;
let events: EventHub;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'pretext-queries-'));
  events = new EventHub();
  library = new Studio({ events });
  library.open(join(work, 'lib.pretext'), true);
});

afterEach(async () => {
  await library.close();
  rmSync(work, { recursive: true, force: true });
});

const db = () => library.requireOpen().db;

function addVideo(path: string, label: string | null): number {
  return Number(
    db()
      .prepare(
        `INSERT INTO videos (path, root, size_bytes, mtime_ms, content_hash, duration_s, fps, label, status, imported_at, updated_at)
         VALUES (?, '/lib', 1, 1, ?, 2, 25, ?, 'ready', 'now', 'now')`,
      )
      .run(path, `hash:${path}`, label).lastInsertRowid,
  );
}

/** A ready set of 2-d vectors; each video gets two clips: its vector and its vector turned by 90°. */
function addSet(name: string, kind: 'run' | 'random', vectors: Map<number, [number, number]>, protocol: FeatureProtocol = 'compact'): number {
  const setId = createFeatureSet(db(), {
    sourceKey: name,
    source: kind === 'run' ? { kind, runId: createRun(db(), trainPreset('clip-order', 'r3d', 'tiny')).id, checkpointStep: 10 } : { kind, seed: 0, runId: null },
    name,
    config: trainPreset('clip-order', 'r3d', 'tiny'),
    protocol,
    inputSize: protocol === 'compact' ? 32 : 112,
    clipsPerVideo: 2,
    framesPerClip: 4,
  });
  setFeatureSize(db(), setId, 2);
  for (const [videoId, [x, y]] of vectors) {
    saveVideoFeatures(db(), setId, {
      videoId,
      contentHash: `hash:${(db().prepare('SELECT path FROM videos WHERE id = ?').get(videoId) as { path: string }).path}`,
      vector: new Float32Array([x, y]),
      clipVectors: new Float32Array([x, y, -y, x]),
      clips: [
        { index: 0, startSeconds: 0, endSeconds: 0.16 },
        { index: 1, startSeconds: 1.84, endSeconds: 2 },
      ],
    });
  }
  setFeatureSetStatus(db(), setId, 'ready');
  return setId;
}

const angle = (degrees: number): [number, number] => [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];

describe('nearest neighbours of a video', () => {
  it('ranks by cosine similarity without the query itself, marking label matches', () => {
    const a = addVideo('/lib/run/a.mp4', 'run');
    const b = addVideo('/lib/run/b.mp4', 'run');
    const c = addVideo('/lib/jump/c.mp4', 'jump');
    const d = addVideo('/lib/d.mp4', null);
    const set = addSet('s', 'run', new Map([[a, angle(0)], [b, angle(60)], [c, angle(10)], [d, angle(180)]]));
    const result = library.retrieval.neighbours({ setId: set, videoId: a, k: 10 });
    expect(result.query).toEqual({ videoId: a, fileName: 'a.mp4', label: 'run', clip: null });
    expect(result.neighbours.map((n) => [n.rank, n.videoId, n.sameLabel])).toEqual([
      [1, c, false],
      [2, b, true],
      [3, d, null],
    ]);
    expect(result.neighbours[0]?.score).toBeCloseTo(Math.cos((10 * Math.PI) / 180), 6);
    expect(result.neighbours[2]?.score).toBeCloseTo(-1, 6);
    expect(library.retrieval.neighbours({ setId: set, videoId: a, k: 1 }).neighbours).toHaveLength(1);
  });

  it('names the best-matching clip pair of each neighbour in video retrieval, with its spans', () => {
    const a = addVideo('/lib/x/a.mp4', 'x');
    const b = addVideo('/lib/x/b.mp4', 'x');
    const set = addSet('s', 'run', new Map([[a, angle(0)], [b, angle(90)]]));
    // a's clips: (1, 0), (0, 1); b's clips: (0, 1), (-1, 0). a's clip 1 is b's clip 0.
    const [neighbour] = library.retrieval.neighbours({ setId: set, videoId: a, k: 5 }).neighbours;
    expect(neighbour?.match?.query).toEqual({ index: 1, startSeconds: 1.84, endSeconds: 2 });
    expect(neighbour?.match?.neighbour).toEqual({ index: 0, startSeconds: 0, endSeconds: 0.16 });
    expect(neighbour?.match?.score).toBeCloseTo(1, 6);
    expect(library.retrieval.neighbours({ setId: set, videoId: a, k: 5, clipIndex: 0 }).neighbours[0]?.match).toBeNull();
  });

  it('queries with one clip against the clips of the other videos', () => {
    const a = addVideo('/lib/x/a.mp4', 'x');
    const b = addVideo('/lib/x/b.mp4', 'x');
    const set = addSet('s', 'run', new Map([[a, angle(0)], [b, angle(90)]]));
    // a's clip 0 is (1, 0); b's clip 1 is b turned by 90°: (-1, 0); b's clip 0 is (0, 1).
    const result = library.retrieval.neighbours({ setId: set, videoId: a, k: 5, clipIndex: 0 });
    expect(result.query.clip).toEqual({ index: 0, startSeconds: 0, endSeconds: 0.16 });
    expect(result.neighbours.map((n) => [n.videoId, n.clip?.index, Number(n.score.toFixed(6))])).toEqual([
      [b, 0, 0],
      [b, 1, -1],
    ]);
    expect(() => library.retrieval.neighbours({ setId: set, videoId: a, k: 5, clipIndex: 2 })).toThrow(/below 2/);
  });

  it('explains a video without features, an unknown set and an empty set', () => {
    const a = addVideo('/lib/x/a.mp4', 'x');
    const late = addVideo('/lib/x/late.mp4', 'x');
    const set = addSet('s', 'run', new Map([[a, angle(0)]]));
    expect(() => library.retrieval.neighbours({ setId: set, videoId: late, k: 5 })).toThrow(/no features in set/);
    expect(() => library.retrieval.neighbours({ setId: 99, videoId: a, k: 5 })).toThrow(/No feature set 99/);
    const empty = addSet('empty', 'random', new Map());
    expect(() => library.retrieval.neighbours({ setId: empty, videoId: a, k: 5 })).toThrow(/has no vectors/);
  });

  it('sees new vectors after an extraction reports progress', () => {
    const a = addVideo('/lib/x/a.mp4', 'x');
    const b = addVideo('/lib/x/b.mp4', 'x');
    const set = addSet('s', 'run', new Map([[a, angle(0)]]));
    expect(library.retrieval.neighbours({ setId: set, videoId: a, k: 5 }).neighbours).toEqual([]);
    saveVideoFeatures(db(), set, { videoId: b, contentHash: 'hash:/lib/x/b.mp4', vector: new Float32Array([1, 1]), clipVectors: new Float32Array(4), clips: [] });
    events.emit('features.progress', { setId: set, done: 1, total: 1, clipsPerSecond: null, etaSeconds: null });
    expect(library.retrieval.neighbours({ setId: set, videoId: a, k: 5 }).neighbours.map((n) => n.videoId)).toEqual([b]);
  });
});

describe('evaluation table', () => {
  /** Two labels, four videos each; the "good" set puts each label on its own side, "random" mixes them. */
  function labelledLibrary() {
    const ids = { left: [] as number[], right: [] as number[] };
    for (const label of ['left', 'right'] as const) {
      for (let i = 0; i < 4; i++) ids[label].push(addVideo(`/lib/${label}/${label}${i}.mp4`, label));
    }
    const unlabelled = addVideo('/lib/loose.mp4', null);
    const good = new Map<number, [number, number]>();
    const mixed = new Map<number, [number, number]>();
    ids.left.forEach((id, i) => {
      good.set(id, angle(i * 5));
      mixed.set(id, angle(i % 2 === 0 ? i * 5 : 180 + i * 5));
    });
    ids.right.forEach((id, i) => {
      good.set(id, angle(180 + i * 5));
      mixed.set(id, angle(i % 2 === 0 ? 180 + i * 5 : i * 5));
    });
    good.set(unlabelled, angle(90));
    mixed.set(unlabelled, angle(90));
    return { ids, unlabelled, good: addSet('Run 1', 'run', good, 'vcop-reference'), mixed: addSet('Random init', 'random', mixed) };
  }

  it('compares every ready set on one seeded split, the random-init row marked', async () => {
    const { good, mixed } = labelledLibrary();
    const table = await library.retrieval.evaluate({ ks: [1, 5], seed: 0, testFraction: 0.25 });
    expect(table.split).toMatchObject({ seed: 0, testFraction: 0.25, kind: 'seeded', train: 7, test: 2, labels: 2, unlabelled: 1, excludedClasses: [] });
    // Stratified: one query per class.
    expect(table.split.queries.map((query) => query.label).sort()).toEqual(['left', 'right']);
    expect(table.split.queries.every((query) => query.fileName.endsWith('.mp4'))).toBe(true);
    expect(table.rows.map((row) => [row.setId, row.isRandomInit, row.queries, row.gallery, row.protocol, row.inputSize, row.featureSize])).toEqual([
      [good, false, 2, 7, 'vcop-reference', 112, 2],
      [mixed, true, 2, 7, 'compact', 32, 2],
    ]);
    expect(table.rows[0]?.topK).toEqual({ 1: 1, 5: 1 });
    const again = await library.retrieval.evaluate({ ks: [1, 5], seed: 0, testFraction: 0.25 });
    expect(again).toEqual(table);
  });

  it('takes a UCF101-style test list as text: paths or file names, class indices and blank lines ignored', async () => {
    const { good } = labelledLibrary();
    const text = 'left/left0.mp4 1\r\n\nright3.mp4\n# a comment\nnot/there.mp4\n';
    const table = await library.retrieval.evaluate({ setIds: [good], ks: [1], seed: 0, testFraction: 0.3, testListText: text });
    expect(table.split).toMatchObject({ kind: 'list', test: 2, train: 7 });
    expect(table.rows[0]).toMatchObject({ queries: 2, topK: { 1: 1 } });
    await expect(library.retrieval.evaluate({ ks: [1], seed: 0, testFraction: 0.3, testListText: 'nothing.mp4\n' })).rejects.toThrow(
      /No entry of the test list names a ready library video \(first: nothing.mp4\)/,
    );
  });

  it('leaves out, and names, test classes without a training video', async () => {
    const { good } = labelledLibrary();
    const lonely = addVideo('/lib/jump/jump0.mp4', 'jump');
    db().prepare('DELETE FROM feature_sets').run();
    const vectors = new Map<number, [number, number]>([[lonely, angle(0)]]);
    for (const row of db().prepare("SELECT id, label FROM videos WHERE status = 'ready'").all() as { id: number; label: string | null }[]) {
      if (row.id !== lonely) vectors.set(row.id, row.label === 'right' ? angle(180) : angle(0));
    }
    const set = addSet('Run 2', 'run', vectors);
    const table = await library.retrieval.evaluate({ setIds: [set], ks: [1], seed: 0, testFraction: 0.3, testListText: 'left0.mp4\njump0.mp4\n' });
    expect(table.split.excludedClasses).toEqual([{ label: 'jump', videos: 1 }]);
    expect(table.split.queries.map((query) => query.fileName)).toEqual(['left0.mp4']);
    expect(table.rows[0]).toMatchObject({ queries: 1, topK: { 1: 1 } });
    expect(good).toBeGreaterThan(0);
  });

  it('never opens a file named as the test list (it once echoed /etc/passwd’s first line)', async () => {
    labelledLibrary();
    const secret = join(work, 'secret.txt');
    writeFileSync(secret, 'TOKEN=hunter2\n');
    const refused = library.retrieval.evaluate({ ks: [1], seed: 0, testFraction: 0.3, testListText: secret });
    await expect(refused).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(refused).rejects.not.toThrow(/hunter2/);
  });

  it('gives null accuracies, not NaN, when the library has no labels', async () => {
    const a = addVideo('/lib/a.mp4', null);
    const b = addVideo('/lib/b.mp4', null);
    addSet('s', 'run', new Map([[a, angle(0)], [b, angle(1)]]));
    const table = await library.retrieval.evaluate({ ks: [1, 5], seed: 0, testFraction: 0.3 });
    expect(table.split).toMatchObject({ labels: 0, unlabelled: 2, test: 0 });
    expect(table.rows[0]).toMatchObject({ topK: { 1: null, 5: null }, queries: 0 });
  });

  it('scores the kNN classifier on the same split as retrieval', async () => {
    const { good, mixed } = labelledLibrary();
    const table = await library.retrieval.classify({ method: 'knn', seed: 0, testFraction: 0.25 });
    expect(table.method).toBe('knn');
    expect(table.split).toEqual((await library.retrieval.evaluate({ ks: [1], seed: 0, testFraction: 0.25 })).split);
    expect(table.rows.map((row) => [row.setId, row.queries, row.train, row.settings])).toEqual([
      [good, 2, 8 - 2, { method: 'knn', k: 20, temperature: 0.07 }],
      [mixed, 2, 6, { method: 'knn', k: 20, temperature: 0.07 }],
    ]);
    expect(table.rows[0]).toMatchObject({ top1: 1, top5: 1, protocol: 'vcop-reference' });
  });

  it('fits the linear probe in a worker, reporting progress', async () => {
    const { good } = labelledLibrary();
    const progress: EvaluationProgress[] = [];
    events.on('evaluation.progress', (event) => progress.push(event));
    const table = await library.retrieval.classify({ method: 'linear', setIds: [good], seed: 0, testFraction: 0.25 });
    expect(table.rows[0]).toMatchObject({ setId: good, top1: 1, queries: 2, train: 6, settings: { method: 'linear' } });
    expect(progress.at(-1)).toMatchObject({ method: 'linear', setId: good });
    expect(progress.at(-1)?.done).toBe(progress.at(-1)?.total);
  });
});

describe('embedding map', () => {
  it('places every video, keeping opposite vectors apart', async () => {
    const a = addVideo('/lib/x/a.mp4', 'x');
    const b = addVideo('/lib/x/b.mp4', 'x');
    const c = addVideo('/lib/y/c.mp4', 'y');
    const set = addSet('s', 'run', new Map([[a, angle(0)], [b, angle(5)], [c, angle(180)]]));
    const map = await library.retrieval.map(set, 'pca', 0);
    expect(map.points.map((point) => [point.videoId, point.label])).toEqual([[a, 'x'], [b, 'x'], [c, 'y']]);
    const [pa, pb, pc] = map.points as unknown as [{ x: number; y: number }, { x: number; y: number }, { x: number; y: number }];
    const distance = (p: { x: number; y: number }, q: { x: number; y: number }) => Math.hypot(p.x - q.x, p.y - q.y);
    expect(distance(pa, pb)).toBeLessThan(distance(pa, pc) / 5);
    expect(await library.retrieval.map(set, 'pca', 0)).toEqual(map);
    const umap = await library.retrieval.map(set, 'umap', 0);
    expect(umap.points.map((point) => point.videoId)).toEqual([a, b, c]);
    expect(umap.points.every((point) => Number.isFinite(point.x) && Number.isFinite(point.y))).toBe(true);
  });
});
