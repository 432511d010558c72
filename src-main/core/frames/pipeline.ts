/**
 * Training batches: the task's sampler picks an epoch of tuples (seeded), the frame source reads their
 * frames, and every FrameView is rendered (crop → resize → mirror → channel split) into one
 * Float32Array per batch, prepared ahead of the consumer in a bounded queue.
 *
 * Layout of `inputs`: [tuples, elements, frames, height, width, 3], row-major, channels last (as tfjs
 * expects), RGB scaled to [0, 1] without mean subtraction. `elements` are the tuple's branches in the
 * order the network receives them (S&L 3 frames, OPN 4 frames, O3N N + 1 subsequences, VCOP clips);
 * `frames` is 1 for S&L and OPN. `labels[t]` is tuple t's class.
 *
 * Determinism: the tuples come from `sampleEpoch` with a fork of the seed named after the epoch, every
 * tuple is written at its own offset, and batches are yielded in index order, so the bytes depend only
 * on the inputs, never on decode timing or concurrency.
 */
import type { TaskConfig } from '../../shared/tasks.ts';
import type { MotionRecord } from '../db/motion.ts';
import { MediaError } from '../media/errors.ts';
import { allowListeners, throwIfAborted } from '../util/abort.ts';
import type { Size } from '../tasks/crops.ts';
import type { CellMotion } from '../tasks/motion.ts';
import { createRng } from '../tasks/rng.ts';
import { sampleEpoch, type EpochReport } from '../tasks/samplers/dataset.ts';
import type { Tuple, VideoMeta } from '../tasks/samplers/types.ts';
import { forEachBounded } from '../util/pool.ts';
import { renderView, writeUnitFloats } from './augment.ts';
import type { FrameRate } from './decode.ts';
import type { FrameSource, GridSpec, VideoRef } from './frame-source.ts';
import { chunks } from '../util/chunks.ts';

/** A video ready for sampling: its grid's facts and its motion at the pipeline's rate. */
export interface PipelineVideo {
  ref: VideoRef;
  meta: VideoMeta;
  motion: Float32Array | null;
  cells: CellMotion | null;
}

export interface BatchPipelineOptions<C extends TaskConfig> {
  /** Where frames come from when batches are filled here; needed unless `fill` is given. */
  source?: FrameSource;
  /** Visited in id order, whatever order they come in. */
  videos: readonly PipelineVideo[];
  config: C;
  /** The rate the grids are decoded at: the one the motion scores were computed at. */
  rate: FrameRate;
  seed: number | string;
  /** Each epoch draws different tuples from the same seed. Default 0. */
  epoch?: number;
  /** Tuples in the epoch. */
  tupleCount: number;
  batchSize: number;
  /** Start at this batch of the epoch (a resumed run skips what it already trained on). Default 0. */
  firstBatch?: number;
  /** Batches prepared while the consumer works on one. Default 2. */
  prefetch?: number;
  /** Tuples of one batch read at once (decodes are bounded by the frame cache). Default 4. */
  readConcurrency?: number;
  /** Fills each batch's floats elsewhere (the training worker's loader thread); default: here, from `source`. */
  fill?: BatchFiller;
  signal?: AbortSignal;
}

/**
 * What a batch position shows: enough to render it and to know its video and class. A task's tuple is
 * one; fine-tuning's labelled clips (core/training/finetune-batches.ts) are others.
 */
export type BatchItem = Pick<Tuple, 'videoId' | 'elements' | 'outputSize' | 'label' | 'classCount'>;

/** What filling one batch needs: plain data, so it can travel to a loader thread. */
export interface FillJob {
  tuples: BatchItem[];
  /** The video of each tuple, in the same order. */
  videos: Pick<PipelineVideo, 'ref' | 'meta'>[];
  spec: GridSpec;
  /** Floats of the whole batch. */
  length: number;
  readConcurrency: number;
}

/** Renders a batch's views into one Float32Array ([tuples, elements, frames, h, w, 3] in [0, 1]). */
export type BatchFiller = (job: FillJob, signal: AbortSignal) => Promise<Float32Array>;

/** Fills batches on the calling thread, reading frames from `source`. */
export function localFiller(source: FrameSource): BatchFiller {
  return async (job, signal) => {
    const inputs = new Float32Array(job.length);
    const tupleFloats = job.length / job.tuples.length;
    await forEachBounded(
      job.tuples,
      job.readConcurrency,
      (tuple, t) => writeTuple(tuple, job.videos[t] as PipelineVideo, source, job.spec, inputs, t * tupleFloats, signal),
      signal,
    );
    throwIfAborted(signal, 'preparing batches');
    return inputs;
  };
}

export type BatchShape = readonly [tuples: number, elements: number, frames: number, height: number, width: number, channels: 3];

/** A batch of any items: what models train and evaluate on. */
export interface ItemBatch {
  index: number;
  /** See the module comment for the layout. */
  inputs: Float32Array;
  shape: BatchShape;
  labels: Int32Array;
  classCount: number;
  /** What each position of the batch shows, for previews and checks. */
  tuples: readonly BatchItem[];
}

export interface Batch<C extends TaskConfig = TaskConfig> extends ItemBatch {
  tuples: readonly Tuple<C['task']>[];
}

/** Batches to iterate with `for await`, with how many there are and which videos were left out. */
export interface ItemPipeline<B extends ItemBatch = ItemBatch> extends AsyncIterable<B> {
  /** Which videos could host a tuple, and which were skipped as too short (tell the user). */
  report: EpochReport;
  tupleCount: number;
  batchCount: number;
}

export type BatchPipeline<C extends TaskConfig = TaskConfig> = ItemPipeline<Batch<C>>;

const CHANNELS = 3;

/** A pipeline video from its stored motion: the motion decode counted the frames the grid will have. */
/**
 * The order sampling visits videos in: by content hash (a moved file keeps it), else path; the id only
 * breaks ties between copies. Not by id: ids follow the order parallel imports finished in, so the same
 * files imported twice would otherwise sample differently under the same seed.
 */
export function byContent(a: PipelineVideo, b: PipelineVideo): number {
  const key = (video: PipelineVideo) => video.ref.contentHash ?? video.ref.path;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.ref.id - b.ref.id;
}

export function pipelineVideo(ref: VideoRef, motion: MotionRecord, frameSize: Size): PipelineVideo {
  return {
    ref,
    meta: { id: ref.id, frameCount: motion.frameCount, width: frameSize.width, height: frameSize.height, fps: motion.fps },
    motion: motion.scores,
    cells: motion.cells,
  };
}

function assertCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be a whole number ≥ ${min}, got ${value}`);
}


/** The batch's shape; every tuple of a task config has the same one. */
function batchShape(tuples: readonly BatchItem[]): BatchShape {
  const first = tuples[0] as BatchItem;
  const frames = first.elements[0]?.frames.length ?? 0;
  const uniform = tuples.every(
    (tuple) =>
      tuple.elements.length === first.elements.length &&
      tuple.elements.every((element) => element.frames.length === frames) &&
      tuple.outputSize.width === first.outputSize.width &&
      tuple.outputSize.height === first.outputSize.height,
  );
  if (!uniform) throw new Error('the tuples of a batch differ in shape');
  return [tuples.length, first.elements.length, frames, first.outputSize.height, first.outputSize.width, CHANNELS];
}

/** Reads one tuple's frames and writes its rendered views at `offset`, in presentation order. */
async function writeTuple(
  tuple: BatchItem,
  video: Pick<PipelineVideo, 'ref' | 'meta'>,
  source: FrameSource,
  spec: GridSpec,
  target: Float32Array,
  offset: number,
  signal: AbortSignal,
): Promise<void> {
  const grid = await source.openGrid(video.ref, spec, { signal });
  try {
    if (grid.frameCount !== video.meta.frameCount) {
      const reason = `decoded ${grid.frameCount} frames, but its motion scores cover ${video.meta.frameCount}`;
      throw new MediaError(reason, { filePath: video.ref.path });
    }
    const views = tuple.elements.flatMap((element) => element.frames);
    const frames = [...new Set(views.map((view) => view.frame))].sort((a, b) => a - b);
    const pixels = await grid.readFrames(frames);
    const frameBytes = grid.width * grid.height * CHANNELS;
    const positionOf = new Map(frames.map((frame, i) => [frame, i]));
    let at = offset;
    for (const view of views) {
      const position = positionOf.get(view.frame) as number;
      const frameRgb = pixels.subarray(position * frameBytes, (position + 1) * frameBytes);
      const rendered = renderView(frameRgb, grid, view, tuple.outputSize);
      writeUnitFloats(rendered, target, at);
      at += rendered.length;
    }
  } finally {
    await grid.close();
  }
}

/** Results of make(first … count − 1) in order, with up to `ahead` more in preparation behind the awaited one. */
async function* inOrderAhead<T>(
  first: number,
  count: number,
  ahead: number,
  make: (index: number, signal: AbortSignal) => Promise<T>,
  outer: AbortSignal | undefined,
): AsyncGenerator<T> {
  const stop = new AbortController();
  const signal = outer ? AbortSignal.any([outer, stop.signal]) : stop.signal;
  // Every tuple read in flight listens for the abort: prefetch × concurrency listeners is expected.
  allowListeners(signal, 100);
  const started: Promise<T>[] = [];
  let next = first;
  const fill = (): void => {
    while (next < count && started.length < ahead) {
      const result = make(next++, signal);
      result.catch(() => undefined); // awaited in turn; a failure ahead must not go unhandled meanwhile
      started.push(result);
    }
  };
  try {
    fill();
    while (started.length > 0) {
      const current = started.shift() as Promise<T>;
      fill();
      const result = await current;
      throwIfAborted(outer, 'preparing batches');
      yield result;
    }
  } finally {
    // Reached on completion, failure, abort and a consumer's `break`: stop the rest and let it settle,
    // so every grid is closed and no decode outlives the loop.
    stop.abort();
    await Promise.allSettled(started);
  }
}

export interface ItemPipelineOptions<T extends BatchItem> {
  /** The batches' items, batch after batch. */
  batches: readonly (readonly T[])[];
  /** Every video an item names. */
  videos: readonly PipelineVideo[];
  /** How frames are decoded (size and rate). */
  spec: GridSpec;
  report: EpochReport;
  source?: FrameSource;
  fill?: BatchFiller;
  firstBatch?: number;
  prefetch?: number;
  readConcurrency?: number;
  signal?: AbortSignal;
}

/** Batches of given items, filled ahead of the consumer in index order (see the module comment). */
export function itemPipeline<T extends BatchItem>(options: ItemPipelineOptions<T>): ItemPipeline<ItemBatch & { tuples: readonly T[] }> {
  const { batches, spec, prefetch = 2, readConcurrency = 4 } = options;
  const firstBatch = options.firstBatch ?? 0;
  assertCount('firstBatch', firstBatch, 0);
  assertCount('prefetch', prefetch, 1);
  assertCount('readConcurrency', readConcurrency, 1);
  const byId = new Map(options.videos.map((video) => [video.meta.id, video]));
  const fill = options.fill ?? (options.source ? localFiller(options.source) : null);
  if (!fill) throw new Error('a batch pipeline needs a frame source or a filler');
  const assemble = async (index: number, signal: AbortSignal): Promise<ItemBatch & { tuples: readonly T[] }> => {
    const batchTuples = batches[index] as T[];
    const shape = batchShape(batchTuples);
    const videosOfTuples = batchTuples.map((tuple) => {
      const { ref, meta } = byId.get(tuple.videoId) as PipelineVideo;
      return { ref, meta };
    });
    const length = shape.reduce((product, side) => product * side, 1);
    const inputs = await fill({ tuples: batchTuples, videos: videosOfTuples, spec, length, readConcurrency }, signal);
    throwIfAborted(signal, 'preparing batches');
    const labels = Int32Array.from(batchTuples, (tuple) => tuple.label);
    return { index, inputs, shape, labels, classCount: (batchTuples[0] as T).classCount, tuples: batchTuples };
  };
  return {
    report: options.report,
    tupleCount: batches.reduce((total, batch) => total + batch.length, 0),
    batchCount: batches.length,
    [Symbol.asyncIterator]: () => inOrderAhead(firstBatch, batches.length, prefetch, assemble, options.signal),
  };
}

/** An epoch of batches for `config`; iterate it with `for await`. */
export function createBatchPipeline<C extends TaskConfig>(options: BatchPipelineOptions<C>): BatchPipeline<C> {
  const { config, rate, seed, epoch = 0, tupleCount, batchSize } = options;
  assertCount('batchSize', batchSize, 1);
  const videos = [...options.videos].sort(byContent);
  const motionById = new Map(videos.flatMap((video) => (video.motion ? [[video.meta.id, video.motion] as const] : [])));
  const cellsById = new Map(videos.flatMap((video) => (video.cells ? [[video.meta.id, video.cells] as const] : [])));
  const rng = createRng(seed).fork(`epoch:${epoch}`);
  const { tuples, report } = sampleEpoch(
    videos.map((video) => video.meta),
    motionById,
    rng,
    config,
    tupleCount,
    { batchSize, cellsById },
  );
  return itemPipeline({
    batches: chunks(tuples as Tuple<C['task']>[], batchSize),
    videos,
    spec: { ...config.frameSize, fps: rate },
    report,
    ...(options.source ? { source: options.source } : {}),
    ...(options.fill ? { fill: options.fill } : {}),
    ...(options.firstBatch === undefined ? {} : { firstBatch: options.firstBatch }),
    ...(options.prefetch === undefined ? {} : { prefetch: options.prefetch }),
    ...(options.readConcurrency === undefined ? {} : { readConcurrency: options.readConcurrency }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
