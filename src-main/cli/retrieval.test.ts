/** extract, retrieve, eval and export-features as a user runs them, on the generated demo library. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClipSpan } from '../shared/dto.ts';
import { demoLibrary, pretext } from './test-support.ts';

let work: string;
let library: string;

beforeAll(() => {
  ({ work, library } = demoLibrary('pretext-cli-retrieval-'));
}, 240_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pretext retrieval commands', () => {
  it('extracts random-init features for all 16 demo videos, then has nothing left to do', () => {
    const first = pretext('extract', '--run', 'random', '--library', library, '--json');
    expect(first.status, first.stderr).toBe(0);
    const set = JSON.parse(first.stdout) as { id: number; status: string; videoCount: number; missingCount: number; backbone: string };
    expect(set).toMatchObject({ status: 'ready', videoCount: 16, missingCount: 0, backbone: 'r3d' });
    const again = JSON.parse(pretext('extract', '--run', 'random', '--library', library, '--json').stdout) as { id: number };
    expect(again.id).toBe(set.id);
  }, 120_000);

  it('retrieves the k nearest other videos, best first, with label matches', () => {
    const result = pretext('retrieve', '--video', '1', '--run', 'random', '--k', '5', '--library', library, '--json');
    expect(result.status, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as { query: { videoId: number; label: string }; neighbours: { videoId: number; score: number; sameLabel: boolean; rank: number }[] };
    expect(parsed.query).toMatchObject({ videoId: 1, label: 'move_down' });
    expect(parsed.neighbours.map((n) => n.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(parsed.neighbours.some((n) => n.videoId === 1)).toBe(false);
    const scores = parsed.neighbours.map((n) => n.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // Each neighbour names its best-matching clip pair: spans inside the videos, a cosine.
    const matches = (JSON.parse(result.stdout) as { neighbours: { match: { query: ClipSpan; neighbour: ClipSpan; score: number } | null }[] }).neighbours.map((n) => n.match);
    for (const match of matches) {
      expect(match?.query.endSeconds).toBeGreaterThan(match?.query.startSeconds ?? Infinity);
      expect(match?.neighbour.endSeconds).toBeGreaterThan(match?.neighbour.startSeconds ?? Infinity);
      expect(Math.abs(match?.score ?? 2)).toBeLessThanOrEqual(1 + 1e-6);
    }
    const table = pretext('retrieve', '--video', '1', '--run', 'random', '--k', '2', '--library', library);
    expect(table.stdout.match(/clips \d+ \[\d+\.\d\d–\d+\.\d\d s\] ↔ \d+ \[\d+\.\d\d–\d+\.\d\d s\] -?\d\.\d{4}/g)).toHaveLength(2);
    const text = pretext('retrieve', '--video', '1', '--run', 'random', '--k', '3', '--clip', '4', '--library', library);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout.split('\n').filter((line) => /^\s+\d+\s+-?\d\.\d{4}/.test(line))).toHaveLength(3);
    expect(text.stdout).toMatch(/\[\d+\.\d\d–\d+\.\d\d s\]/);
  }, 120_000);

  it('evaluates top-k on a seeded split of the labelled folders', () => {
    const result = pretext('eval', '--run', 'random', '--library', library, '--json');
    expect(result.status, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as { topK: Record<string, number>; queries: number; gallery: number; split: { labels: number; kind: string } };
    expect(Object.keys(parsed.topK)).toEqual(['1', '5', '10', '20', '50']);
    expect(parsed.split).toMatchObject({ labels: 4, kind: 'seeded' });
    expect(parsed.queries + parsed.gallery).toBe(16);
    // 12 training videos: every test video finds its label among all of them.
    expect(parsed.topK['20']).toBe(1);
    expect(parsed).toMatchObject({ method: 'retrieval', protocol: 'compact', clipsPerVideo: 10 });
  }, 120_000);

  it('scores the weighted kNN classifier and the linear probe on the same split, saying which protocol', () => {
    const knn = pretext('eval', '--method', 'knn', '--run', 'random', '--library', library, '--json');
    expect(knn.status, knn.stderr).toBe(0);
    const parsedKnn = JSON.parse(knn.stdout) as { method: string; protocol: string; top1: number; top5: number; queries: number; train: number; settings: object; warnings: string[] };
    expect(parsedKnn).toMatchObject({ method: 'knn', protocol: 'compact', queries: 4, train: 12, settings: { method: 'knn', k: 20, temperature: 0.07 } });
    // 4 classes: top-5 holds every class.
    expect(parsedKnn.top5).toBe(1);
    expect(parsedKnn.warnings[0]).toMatch(/only 4 queries \(fewer than 20\)/);
    const linear = pretext('eval', '--method', 'linear', '--run', 'random', '--library', library);
    expect(linear.status, linear.stderr).toBe(0);
    expect(linear.stdout).toMatch(/compact protocol, \d+ px, 10 clips/);
    expect(linear.stdout).toMatch(/linear probe, weight decay [\d.e-]+ \(validation top-1/);
    expect(linear.stdout).toMatch(/top-1 \d+\.\d % · top-5 100\.0 %/);
    expect(linear.stderr).toMatch(/\[linear probe\] \d+\/\d+ steps/);
    expect(pretext('eval', '--method', 'svm', '--run', 'random', '--library', library).stderr).toMatch(/--method must be one of retrieval, knn, linear/);
    expect(pretext('eval', '--protocol', 'global', '--run', 'random', '--library', library).stderr).toMatch(/--protocol must be one of compact, vcop-reference/);
  }, 120_000);

  it('evaluates on a test list file named on the command line; refuses a FIFO or a device at once', () => {
    const list = join(work, 'testlist.txt');
    writeFileSync(list, 'move_down/clip_0.mp4\nmove_up/clip_0.mp4 2\n');
    const result = pretext('eval', '--run', 'random', '--test-list', list, '--library', library, '--json');
    expect(result.status, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as { queries: number; split: { kind: string; test: number } };
    expect(parsed.split).toMatchObject({ kind: 'list', test: 2 });
    const fifo = join(work, 'list.fifo');
    execFileSync('mkfifo', [fifo]);
    const stalled = pretext('eval', '--run', 'random', '--test-list', fifo, '--library', library);
    expect(stalled.status).toBe(1);
    expect(stalled.stderr).toMatch(/Not a regular file/);
    expect(pretext('eval', '--run', 'random', '--test-list', '/dev/zero', '--library', library).stderr).toMatch(/Not a regular file/);
  }, 120_000);

  it('exports the vectors as .npy with a row index, and as CSV', () => {
    const npy = join(work, 'features.npy');
    const exported = pretext('export-features', '--run', 'random', '--format', 'npy', '--out', npy, '--library', library, '--json');
    expect(exported.status, exported.stderr).toBe(0);
    const { videos, featureSize } = JSON.parse(exported.stdout) as { videos: number; featureSize: number };
    const bytes = readFileSync(npy);
    expect(bytes.subarray(1, 6).toString('latin1')).toBe('NUMPY');
    expect(bytes.toString('latin1')).toContain(`'shape': (${videos}, ${featureSize})`);
    expect(readFileSync(`${npy}.videos.csv`, 'utf8').trim().split('\n')).toHaveLength(videos + 1);
    const csv = join(work, 'features.csv');
    expect(pretext('export-features', '--run', 'random', '--format', 'csv', '--out', csv, '--library', library).status).toBe(0);
    const header = readFileSync(csv, 'utf8').split('\n')[0] as string;
    expect(header.split(',')).toHaveLength(2 + featureSize);
  }, 120_000);

  it('exports a set for FiftyOne: samples with paths, labels, split tags and retrieval, embeddings as .npy, the loader', () => {
    const setId = (JSON.parse(pretext('extract', '--run', 'random', '--library', library, '--json').stdout) as { id: number }).id;
    const folder = join(work, 'fiftyone');
    const result = pretext('export-features', '--set', String(setId), '--format', 'fiftyone', '--out', folder, '--library', library, '--json');
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ setId, videos: 16, files: ['samples.json', 'embeddings.npy', 'load_fiftyone.py'] });
    interface Sample {
      filepath: string;
      video_id: number;
      label: string | null;
      embedding_index: number;
      split: 'train' | 'test';
      retrieval: { first_match_rank: number | null; neighbours: { video_id: number; label: string | null; similarity: number }[] } | null;
    }
    const exported = JSON.parse(readFileSync(join(folder, 'samples.json'), 'utf8')) as {
      set: { id: number; featureSize: number };
      evaluation: { topK: Record<string, number | null>; queries: number; gallery: number };
      samples: Sample[];
    };
    expect(exported.set.id).toBe(setId);
    expect(exported.samples.map((sample) => sample.embedding_index)).toEqual([...Array(16).keys()]);
    for (const sample of exported.samples) expect(existsSync(sample.filepath)).toBe(true);
    const test = exported.samples.filter((sample) => sample.split === 'test');
    const train = new Set(exported.samples.filter((sample) => sample.split === 'train').map((sample) => sample.video_id));
    expect(test.length).toBe(exported.evaluation.queries);
    expect(train.size).toBe(exported.evaluation.gallery);
    for (const sample of test) {
      // Each test video's neighbours are training videos, best first; its first match is the first with its label.
      const neighbours = sample.retrieval?.neighbours ?? [];
      expect(neighbours.length).toBe(train.size);
      expect(neighbours.every((neighbour) => train.has(neighbour.video_id))).toBe(true);
      expect(neighbours.map((n) => n.similarity)).toEqual(neighbours.map((n) => n.similarity).sort((a, b) => b - a));
      const first = neighbours.findIndex((neighbour) => neighbour.label === sample.label);
      expect(sample.retrieval?.first_match_rank).toBe(first < 0 ? null : first + 1);
    }
    expect(exported.samples.filter((sample) => sample.split === 'train').every((sample) => sample.retrieval === null)).toBe(true);
    // The export's top-1 is what `eval` reports for the same split.
    const evaluation = JSON.parse(pretext('eval', '--run', 'random', '--library', library, '--json').stdout) as { topK: Record<string, number> };
    expect(exported.evaluation.topK['1']).toBe(evaluation.topK['1']);
    expect(test.filter((sample) => sample.retrieval?.first_match_rank === 1).length / test.length).toBe(evaluation.topK['1']);

    // NumPy reads the embeddings with the shape samples.json promises, through the loader's own reader (FiftyOne is not needed for it).
    const check = spawnSync('python3', ['-c', 'import json, sys; sys.path.insert(0, sys.argv[1]); from load_fiftyone import read_export; e, x = read_export(sys.argv[1]); print(json.dumps([str(x.dtype), list(x.shape)]))', folder], { encoding: 'utf8' });
    if (check.status === 0) expect(JSON.parse(check.stdout)).toEqual(['float32', [16, exported.set.featureSize]]);
    else expect(check.stderr).toMatch(/No module named 'numpy'/);

    const again = pretext('export-features', '--set', String(setId), '--format', 'fiftyone', '--out', folder, '--library', library);
    expect(again.stderr).toMatch(/is not empty; export into a new folder/);
    expect(pretext('export-features', '--set', '999', '--format', 'fiftyone', '--out', join(work, 'none'), '--library', library).stderr).toMatch(/No feature set 999/);
  }, 120_000);

  it('explains bad input', () => {
    expect(pretext('extract', '--library', library).stderr).toMatch(/--run ID\|random is required/);
    const unknownRun = pretext('extract', '--run', '999', '--library', library);
    expect(unknownRun.status).toBe(1);
    expect(unknownRun.stderr).toMatch(/No training run 999/);
    expect(pretext('retrieve', '--video', '9999', '--run', 'random', '--library', library).stderr).toMatch(/no features in set/);
    const format = pretext('export-features', '--run', 'random', '--format', 'xml', '--library', library);
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/--format must be one of npy, csv, fiftyone/);
  }, 120_000);
});
