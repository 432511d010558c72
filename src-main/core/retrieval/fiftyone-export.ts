/**
 * A feature set and its retrieval evaluation in a layout FiftyOne users can load
 * (fiftyone/load_fiftyone.py builds the dataset): `samples.json` (one video sample each: path,
 * label, split side, the embedding's row, and for test videos the neighbours the evaluation
 * retrieved), `embeddings.npy` (float32 [videos, features]) and the loader script.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVALUATION_KS } from '../../shared/dto.ts';
import { ApiError } from '../../shared/errors.ts';
import type { ReadableDB } from '../db/connection.ts';
import { getFeatureSet, loadSetVectors } from '../db/features.ts';
import { assertEmptyFolder } from '../util/export-folder.ts';
import type { ExportFile } from '../util/tar.ts';
import { rankNeighbours, retrievalGallery, topKAccuracy, type EvaluatedSplit, type RetrievalItem } from './evaluate.ts';
import { npyBytes } from './export.ts';

export interface EvaluationSplitOptions {
  seed: number;
  testFraction: number;
}

/** Neighbours kept per test video: the deepest k the evaluation reports. */
const NEIGHBOURS = Math.max(...EVALUATION_KS);
// Through a variable, as in export-bundle.ts: Vite rewrites a literal `new URL(…, import.meta.url)`
// into a web asset URL under a DOM test environment (the UI tests run this backend in jsdom).
const here = import.meta.url;
const LOADER = new URL('./fiftyone/load_fiftyone.py', here);

export async function fiftyOneExport(db: ReadableDB, setId: number, split: EvaluatedSplit): Promise<{ files: ExportFile[]; videos: number }> {
  const set = getFeatureSet(db, setId)?.dto;
  if (!set) throw new ApiError('NOT_FOUND', `No feature set ${setId} in this library.`);
  if (set.status !== 'ready') throw new ApiError('INVALID_INPUT', `Feature set ${setId} is ${set.status}; export a ready set.`);
  const vectors = loadSetVectors(db, setId);
  const items: RetrievalItem[] = vectors.videoIds.map((key, row) => ({
    key,
    label: vectors.labels[row] ?? null,
    vector: vectors.vectors.subarray(row * vectors.featureSize, (row + 1) * vectors.featureSize),
  }));
  // The evaluation table's own split (its queries and gallery), so the export scores what `eval` scores.
  const present = new Set(vectors.videoIds);
  const train = split.train.filter((key) => present.has(key));
  const test = split.test.filter((key) => present.has(key));
  const testKeys = new Set(test);
  const byKey = new Map(items.map((item) => [item.key, item]));
  const gallery = train.map((key) => byKey.get(key) as RetrievalItem);
  const searchable = gallery.length > 0 ? retrievalGallery(gallery, vectors.featureSize) : null;
  const samples = items.map((item, row) => {
    const ranking = searchable && testKeys.has(item.key) ? rankNeighbours(searchable, item, NEIGHBOURS) : null;
    return {
      filepath: vectors.paths[row],
      video_id: item.key,
      label: item.label,
      embedding_index: row,
      split: testKeys.has(item.key) ? 'test' : 'train',
      retrieval: ranking && {
        first_match_rank: ranking.firstMatchRank,
        neighbours: ranking.neighbours.map((neighbour) => ({ video_id: neighbour.key, label: neighbour.label, similarity: neighbour.score })),
      },
    };
  });
  const accuracy = topKAccuracy({ gallery, queries: test.map((key) => byKey.get(key) as RetrievalItem) });
  const evaluation = { protocol: 'retrieval', seed: split.seed, testFraction: split.testFraction, ks: accuracy.ks, topK: accuracy.topK, queries: accuracy.queries, gallery: accuracy.gallery };
  const description = { id: set.id, name: set.name, task: set.task, backbone: set.backbone, source: set.source, protocol: set.protocol, inputSize: set.inputSize, clipsPerVideo: set.clipsPerVideo, featureSize: vectors.featureSize };
  const json = `${JSON.stringify({ format: 'pretext-studio/fiftyone', version: 1, set: description, evaluation, samples }, null, 1)}\n`;
  return {
    files: [
      { name: 'samples.json', bytes: new TextEncoder().encode(json) },
      { name: 'embeddings.npy', bytes: npyBytes(vectors.vectors, items.length, vectors.featureSize) },
      { name: 'load_fiftyone.py', bytes: await readFile(fileURLToPath(LOADER)) },
    ],
    videos: items.length,
  };
}

/** Writes an export's files into `folder`, which must be new or empty. */
export async function writeExportFolder(folder: string, files: readonly ExportFile[]): Promise<void> {
  await assertEmptyFolder(folder);
  await mkdir(folder, { recursive: true });
  for (const file of files) await writeFile(join(folder, file.name), file.bytes);
}
