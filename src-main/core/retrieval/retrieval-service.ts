/**
 * Questions asked of a ready feature set: a video's (or clip's) nearest neighbours, the top-k
 * evaluation table, and the 2D embedding map. Vectors are read from the library once per set and kept
 * until the set or the library changes.
 */
import type {
  ClassificationRow,
  ClassificationTable,
  Classifier,
  ClipMatch,
  ClipSpan,
  EmbeddingMap,
  EvaluationRow,
  EvaluationSplit,
  EvaluationTable,
  FeatureSetDto,
  NeighbourDto,
  Projection,
  RetrievalResult,
} from '../../shared/dto.ts';
import { ApiError } from '../../shared/errors.ts';
import { evaluatedSet } from '../../shared/evaluated-set.ts';
import type { EventHub } from '../jobs/events.ts';
import { spawnCoreWorker } from '../jobs/worker-host.ts';
import { runJob } from '../jobs/worker-job.ts';
import { listFeatureSets, loadSetVectors, type SetVectors } from '../db/features.ts';
import type { RequireLibrary } from '../library/open-library.ts';
import { readyVideos, type SamplingVideo } from '../db/videos.ts';
import { requireFeatureSet } from './feature-service.ts';
import { bestClipPair } from './clip-pairs.ts';
import { WEIGHTED_KNN, weightedKnn, type LabelledItem } from '../util/knn-classifier.ts';
import { topKAccuracy, type EvaluatedSplit, type RetrievalItem } from './evaluate.ts';
import { seededVideoSplit, splitFromLists, videosByPath, videoSplitOf, type VideoSplit } from '../tasks/evaluation-split.ts';
import { VectorGallery } from '../util/knn.ts';
import { PROBE_STEPS, type ProbeResult } from './linear-probe.ts';
import type { FromLinearProbeWorker, FromProjectionWorker, LinearProbeStart, ProjectionStart } from './protocol.ts';

interface LoadedSet {
  data: SetVectors;
  /** One row per video, keyed by video id. */
  videos: VectorGallery;
  /** One row per clip, keyed by row × clipsPerVideo + clip index; built on the first clip query. */
  clips: VectorGallery | null;
  clipsPerVideo: number;
}

export interface NeighbourQuery {
  setId: number;
  videoId: number;
  k: number;
  clipIndex?: number | undefined;
}

export interface SplitRequest {
  /** Sets to compare; every ready one when omitted. */
  setIds?: number[] | undefined;
  seed: number;
  testFraction: number;
  /** The text of a UCF101-style list of test videos: one path (or file name) per line, anything after a space ignored. */
  testListText?: string | undefined;
}

export interface EvaluationRequest extends SplitRequest {
  ks: number[];
}

export interface ClassificationRequest extends SplitRequest {
  method: Classifier;
}

interface PreparedEvaluation {
  /** Video ids of the training split. */
  train: number[];
  /** Video ids of the test videos that can be scored (labelled, of a class with a training video). */
  test: number[];
  sets: FeatureSetDto[];
  split: EvaluationSplit;
}


const labelledOnly = (items: RetrievalItem[]): LabelledItem[] => items.filter((item): item is LabelledItem => item.label !== null);

const slashes = (path: string) => path.replaceAll('\\', '/');

/** Library videos named by a test list: a line matches a video whose path ends with it, or its file name. */
export function videosInList(videos: readonly SamplingVideo[], listText: string): { ids: number[]; unmatched: string[] } {
  const entries = listText
    .split(/\r?\n/)
    .map((line) => slashes(line.trim().split(/\s+/)[0] ?? ''))
    .filter((entry) => entry !== '' && !entry.startsWith('#'));
  const ids = new Set<number>();
  const unmatched: string[] = [];
  for (const entry of entries) {
    const hasFolder = entry.includes('/');
    const matches = videos.filter((video) => (hasFolder ? slashes(video.path).endsWith(`/${entry}`) : video.fileName === entry));
    if (matches.length === 0) unmatched.push(entry);
    for (const video of matches) ids.add(video.id);
  }
  return { ids: [...ids].sort((a, b) => a - b), unmatched };
}

/** The most alike clips of two videos (rows of the set); null when either has no clips stored. */
function matchedClips(data: SetVectors, queryRow: number, neighbourRow: number): ClipMatch | null {
  const [queryVectors, neighbourVectors] = [data.clipVectors[queryRow], data.clipVectors[neighbourRow]];
  if (!queryVectors?.length || !neighbourVectors?.length) return null;
  const pair = bestClipPair(queryVectors, neighbourVectors, data.featureSize);
  const query = data.clips[queryRow]?.[pair.queryClip];
  const neighbour = data.clips[neighbourRow]?.[pair.neighbourClip];
  return query && neighbour ? { query, neighbour, score: pair.score } : null;
}

/** Runs one projection in a worker thread of its own, which ends with it. */
function projectInWorker(start: ProjectionStart): Promise<Float32Array> {
  return runJob<ProjectionStart, FromProjectionWorker, Float32Array>(
    'embedding-map',
    spawnCoreWorker('projection'),
    start,
    (message, finish) => {
      if (message.type === 'done') finish(message.xy);
    },
    { transfer: [start.vectors.buffer as ArrayBuffer] },
  );
}

export class RetrievalService {
  private readonly loaded = new Map<number, LoadedSet>();

  constructor(
    private readonly library: RequireLibrary,
    private readonly events: EventHub,
  ) {
    // New vectors, new labels or another library: read again on the next question.
    events.on('features.progress', ({ setId }) => this.forget(setId));
    events.on('features.finished', ({ id }) => this.forget(id));
    events.on('library.changed', () => this.forget());
    events.on('import.finished', () => this.forget());
  }

  /** Forgets cached vectors (a set was deleted or rewritten). */
  forget(setId?: number): void {
    if (setId === undefined) this.loaded.clear();
    else this.loaded.delete(setId);
  }

  neighbours(query: NeighbourQuery): RetrievalResult {
    const set = this.load(query.setId);
    const row = set.data.videoIds.indexOf(query.videoId);
    if (row < 0) {
      throw new ApiError('NOT_FOUND', `Video ${query.videoId} has no features in set ${query.setId}; extract the set again to add it.`);
    }
    const { data } = set;
    const label = data.labels[row] ?? null;
    const sameLabel = (other: string | null) => (label === null || other === null ? null : other === label);
    if (query.clipIndex === undefined) {
      const found = set.videos.search(data.vectors.subarray(row * data.featureSize, (row + 1) * data.featureSize), query.k, {
        exclude: new Set([query.videoId]),
      });
      return {
        setId: query.setId,
        query: { videoId: query.videoId, fileName: data.fileNames[row] as string, label, clip: null },
        neighbours: found.map((neighbour, rank): NeighbourDto => {
          const other = data.labels[neighbour.index] ?? null;
          return {
            rank: rank + 1,
            videoId: neighbour.key,
            fileName: data.fileNames[neighbour.index] as string,
            label: other,
            score: neighbour.score,
            sameLabel: sameLabel(other),
            clip: null,
            match: matchedClips(data, row, neighbour.index),
          };
        }),
      };
    }
    if (query.clipIndex >= set.clipsPerVideo) {
      throw new ApiError('INVALID_INPUT', `clipIndex must be below ${set.clipsPerVideo}, the clips per video of set ${query.setId}.`);
    }
    const clips = this.clipGallery(set);
    const ownClips = new Set(Array.from({ length: set.clipsPerVideo }, (_, clip) => row * set.clipsPerVideo + clip));
    const clipVector = (data.clipVectors[row] as Float32Array).subarray(query.clipIndex * data.featureSize, (query.clipIndex + 1) * data.featureSize);
    const found = clips.search(clipVector, query.k, { exclude: ownClips });
    return {
      setId: query.setId,
      query: { videoId: query.videoId, fileName: data.fileNames[row] as string, label, clip: data.clips[row]?.[query.clipIndex] as ClipSpan },
      neighbours: found.map((neighbour, rank): NeighbourDto => {
        const otherRow = Math.floor(neighbour.key / set.clipsPerVideo);
        const other = data.labels[otherRow] ?? null;
        return {
          rank: rank + 1,
          videoId: data.videoIds[otherRow] as number,
          fileName: data.fileNames[otherRow] as string,
          label: other,
          score: neighbour.score,
          sameLabel: sameLabel(other),
          clip: data.clips[otherRow]?.[neighbour.key % set.clipsPerVideo] as ClipSpan,
          match: null,
        };
      }),
    };
  }

  /** The evaluation's split of the library's ready videos (ids): what the tables and exports score on. */
  async split(request: SplitRequest): Promise<EvaluatedSplit> {
    const { train, test, split } = await this.prepare({ ...request, setIds: [] });
    return { train, test, seed: split.seed, testFraction: split.testFraction };
  }

  /** The split every set of one evaluation shares, and the sets to score. */
  private async prepare(request: SplitRequest): Promise<PreparedEvaluation> {
    const { db } = this.library();
    const videos = readyVideos(db);
    const byPath = videosByPath(videos);
    let split: VideoSplit;
    if (request.testListText !== undefined) {
      const listed = videosInList(videos, request.testListText);
      if (listed.ids.length === 0) {
        const first = listed.unmatched[0]?.slice(0, 200) ?? 'none';
        throw new ApiError('INVALID_INPUT', `No entry of the test list names a ready library video (first: ${first}).`);
      }
      const rankOf = new Map(byPath.map((video, rank) => [video.id, rank]));
      const items = byPath.map((video, rank) => ({ key: rank, label: video.label }));
      split = videoSplitOf(byPath, splitFromLists(items, listed.ids.map((id) => rankOf.get(id) as number)));
    } else {
      split = seededVideoSplit(videos, { seed: request.seed, testFraction: request.testFraction });
    }
    const videoById = new Map(videos.map((video) => [video.id, video]));
    const sets = request.setIds
      ? request.setIds.map((id) => requireFeatureSet(db, id).dto)
      : listFeatureSets(db).filter((set) => set.status === 'ready' && set.videoCount > 0);
    const labels = new Set(videos.flatMap((video) => (video.label === null ? [] : [video.label])));
    return {
      train: split.train,
      test: split.queries.map((query) => query.videoId),
      sets,
      split: {
        seed: request.seed,
        testFraction: request.testFraction,
        kind: request.testListText === undefined ? 'seeded' : 'list',
        train: split.train.length,
        test: split.test.length,
        labels: labels.size,
        unlabelled: videos.filter((video) => video.label === null).length,
        queries: split.queries.map(({ videoId, label }) => ({ videoId, fileName: (videoById.get(videoId) as SamplingVideo).fileName, label })),
        excludedClasses: split.excluded,
      },
    };
  }

  /** The set's vectors of the videos `keys`, in that order; videos without features are skipped. */
  private itemsOf(setId: number, keys: readonly number[]): RetrievalItem[] {
    const { data } = this.load(setId);
    const byVideo = new Map(data.videoIds.map((id, row) => [id, row]));
    return keys.flatMap((key) => {
      const row = byVideo.get(key);
      if (row === undefined) return [];
      return [{ key, label: data.labels[row] ?? null, vector: data.vectors.subarray(row * data.featureSize, (row + 1) * data.featureSize) }];
    });
  }

  /** Top-k accuracy of each set on one split of the library's ready videos (the same split for all). */
  async evaluate(request: EvaluationRequest): Promise<EvaluationTable> {
    const prepared = await this.prepare(request);
    const rows = prepared.sets.map((set): EvaluationRow => {
      const accuracy = topKAccuracy({ gallery: this.itemsOf(set.id, prepared.train), queries: this.itemsOf(set.id, prepared.test), ks: request.ks });
      return { ...evaluatedSet(set), topK: accuracy.topK, queries: accuracy.queries, gallery: accuracy.gallery };
    });
    return { ks: request.ks, split: prepared.split, rows };
  }

  /**
   * kNN classifier (here: as fast as the retrieval table) or linear probe (a worker per set, with
   * 'evaluation.progress' events) for each set, on one split.
   */
  async classify(request: ClassificationRequest): Promise<ClassificationTable> {
    const prepared = await this.prepare(request);
    const rows: ClassificationRow[] = [];
    for (const set of prepared.sets) {
      const train = labelledOnly(this.itemsOf(set.id, prepared.train));
      const test = labelledOnly(this.itemsOf(set.id, prepared.test));
      const counts = { ...evaluatedSet(set), train: train.length };
      if (request.method === 'knn') {
        const score = weightedKnn({ memory: train, queries: test });
        rows.push({ ...counts, ...score, settings: { method: 'knn', ...WEIGHTED_KNN } });
        continue;
      }
      if (train.length === 0) throw new ApiError('INVALID_INPUT', `Feature set ${set.id} has no labelled training video; the linear probe needs some.`);
      const result = await this.probeInWorker(set.id, train, test, request.seed);
      rows.push({
        ...counts,
        top1: result.top1,
        top5: result.top5,
        queries: result.queries,
        settings: {
          method: 'linear',
          weightDecay: result.weightDecay,
          validationAccuracy: result.validationAccuracy,
          validation: result.validation,
          steps: PROBE_STEPS,
        },
      });
    }
    return { method: request.method, split: prepared.split, rows };
  }

  private probeInWorker(setId: number, train: LabelledItem[], test: LabelledItem[], seed: number): Promise<ProbeResult> {
    const dimension = (train[0] as LabelledItem).vector.length;
    const rows = (items: LabelledItem[]) => {
      const vectors = new Float32Array(items.length * dimension);
      items.forEach((item, row) => vectors.set(item.vector, row * dimension));
      return { keys: items.map((item) => item.key), labels: items.map((item) => item.label), vectors };
    };
    const start: LinearProbeStart = { dimension, train: rows(train), test: rows(test), seed };
    return runJob<LinearProbeStart, FromLinearProbeWorker, ProbeResult>(
      'linear-probe',
      spawnCoreWorker('linear-probe'),
      start,
      (message, finish) => {
        if (message.type === 'progress') this.events.emit('evaluation.progress', { method: 'linear', setId, done: message.done, total: message.total });
        if (message.type === 'done') finish(message.result);
      },
      { transfer: [start.train.vectors.buffer as ArrayBuffer, start.test.vectors.buffer as ArrayBuffer] },
    );
  }

  /**
   * Every video of the set in 2D, from its unit vectors (so distances on the map follow cosine). In a
   * worker thread: UMAP on a few thousand videos takes seconds, which would stall every other call.
   */
  async map(setId: number, projection: Projection, seed: number): Promise<EmbeddingMap> {
    const { data, videos } = this.load(setId);
    const xy = await projectInWorker({ vectors: videos.vectors.slice(), dimension: data.featureSize, projection, seed });
    return {
      setId,
      projection,
      points: data.videoIds.map((videoId, row) => ({
        videoId,
        fileName: data.fileNames[row] as string,
        label: data.labels[row] ?? null,
        x: xy[2 * row] as number,
        y: xy[2 * row + 1] as number,
      })),
    };
  }

  /** The set's vectors, read once; refuses a set that has none yet. */
  private load(setId: number): LoadedSet {
    const cached = this.loaded.get(setId);
    if (cached) return cached;
    const { db } = this.library();
    const stored = requireFeatureSet(db, setId);
    const data = loadSetVectors(db, setId);
    if (data.videoIds.length === 0) {
      const why = stored.dto.status === 'extracting' ? 'is still being extracted' : `has no vectors (${stored.dto.status})`;
      throw new ApiError('INVALID_INPUT', `Feature set ${setId} ${why}; extract it first.`);
    }
    const videos = new VectorGallery({ dimension: data.featureSize, keys: data.videoIds, vectors: data.vectors });
    const loaded = { data, videos, clips: null, clipsPerVideo: stored.dto.clipsPerVideo };
    this.loaded.set(setId, loaded);
    return loaded;
  }

  private clipGallery(set: LoadedSet): VectorGallery {
    if (!set.clips) {
      const { data, clipsPerVideo } = set;
      const vectors = new Float32Array(data.videoIds.length * clipsPerVideo * data.featureSize);
      data.clipVectors.forEach((clipVectors, row) => vectors.set(clipVectors, row * clipsPerVideo * data.featureSize));
      const keys = Array.from({ length: data.videoIds.length * clipsPerVideo }, (_, key) => key);
      set.clips = new VectorGallery({ dimension: data.featureSize, keys, vectors });
    }
    return set.clips;
  }
}
