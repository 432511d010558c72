/**
 * Fine-tuning's batches and its final test (issue 12.4). Each item is one labelled video seen through
 * the parent's input: a clip of the parent task's clip length (clip encoders) or one frame (frame
 * encoders), at the parent task's frame size and crop. Training items take a random clip, a random
 * crop and a coin-flip mirror, seeded per epoch and item, so a resumed run sees the very same batches;
 * measurement items take each video's centre clip, centre-cropped. The final test averages the softmax
 * of `clips` clips per video at evenly spaced centres (numpy.linspace, as the retrieval protocol's
 * clips) and scores top-1 (and top-5 with at least five classes). Plain web code (no Node imports).
 */
import type { FinetuneAccuracy } from '../../shared/dto.ts';
import { SAMPLING_FPS, takesClips, tupleShape, type TaskConfig } from '../../shared/tasks.ts';
import { byContent, itemPipeline, type BatchFiller, type BatchItem, type ItemBatch, type PipelineVideo } from '../frames/pipeline.ts';
import { centreCrop, randomCrop, type Crop, type Size } from '../tasks/crops.ts';
import { createRng, type Rng } from '../tasks/rng.ts';
import type { EpochReport } from '../tasks/samplers/dataset.ts';
import { throwIfAborted } from '../util/abort.ts';
import { clipWindows, referenceClipWindows, referenceFrameWindows } from '../util/clip-windows.ts';
import type { BatchSource } from './engine.ts';
import { chunks } from '../util/chunks.ts';

/** What one item looks like: the parent task's input, one element of it. */
export interface FinetuneInput {
  /** Frames per item: the parent's clip length, or 1 for frame encoders. */
  frames: number;
  /** Frames are decoded at the parent task's frame size, then cropped to `crop` × `crop`. */
  frameSize: Size;
  crop: number;
  classCount: number;
}

export function finetuneInput(task: TaskConfig, classCount: number): FinetuneInput {
  const shape = tupleShape(task);
  return { frames: takesClips(task.task) ? shape[1] : 1, frameSize: task.frameSize, crop: shape[2], classCount };
}

/** Frame indices of `frames` frames from `start`, the last frame repeated past the video's end. */
function framesFrom(start: number, frames: number, frameCount: number): number[] {
  return Array.from({ length: frames }, (_, offset) => Math.min(start + offset, frameCount - 1));
}

function item(video: PipelineVideo, label: number, frames: readonly number[], crop: Crop, flip: boolean, input: FinetuneInput): BatchItem {
  return {
    videoId: video.meta.id,
    elements: [{ frames: frames.map((frame) => ({ frame, crop, flip, channel: null })) }],
    outputSize: { width: input.crop, height: input.crop },
    label,
    classCount: input.classCount,
  };
}

/** A random clip (or frame), a random crop, mirrored half the time. */
function trainItem(video: PipelineVideo, label: number, input: FinetuneInput, rng: Rng): BatchItem {
  const lastStart = Math.max(0, video.meta.frameCount - input.frames);
  const start = rng.int(0, lastStart + 1);
  const crop = randomCrop({ width: input.crop, height: input.crop }, video.meta, rng);
  return item(video, label, framesFrom(start, input.frames, video.meta.frameCount), crop, rng.next() < 0.5, input);
}

/** The given frames, centre-cropped, not mirrored. */
function testItem(video: PipelineVideo, label: number, frames: readonly number[], input: FinetuneInput): BatchItem {
  return item(video, label, frames, centreCrop({ width: input.crop, height: input.crop }, video.meta), false, input);
}

function labelOf(labels: ReadonlyMap<number, number>, video: PipelineVideo): number {
  const label = labels.get(video.meta.id);
  if (label === undefined) throw new Error(`video ${video.meta.id} has no class for fine-tuning`);
  return label;
}


function reportOf(videos: readonly PipelineVideo[], input: FinetuneInput): EpochReport {
  return { usableVideos: videos.length, skippedVideos: 0, skippedReasons: { 'too-short': 0 }, skippedVideoIds: [], framesNeeded: input.frames };
}

export interface FinetuneBatchOptions {
  /** Class index of every video that may appear. */
  labels: ReadonlyMap<number, number>;
  input: FinetuneInput;
  fill: BatchFiller;
}

/**
 * The engine's batches for a fine-tune run: training epochs visit the videos in seeded shuffled
 * passes (each video once per pass); measurements take each video's centre clip in a fixed order.
 */
export function finetuneBatches(options: FinetuneBatchOptions): BatchSource {
  const { labels, input, fill } = options;
  return (request) => {
    const videos = [...request.videos].sort(byContent);
    let items: BatchItem[] = [];
    if (videos.length > 0) {
      if (request.purpose === 'train') {
        const rng = createRng(request.seed).fork(`finetune:epoch:${request.epoch ?? 0}`);
        const passes = Math.ceil(request.tupleCount / videos.length);
        const order = Array.from({ length: passes }, (_, pass) => rng.fork('order').fork(pass).shuffle(videos)).flat();
        items = order
          .slice(0, request.tupleCount)
          .map((video, i) => trainItem(video, labelOf(labels, video), input, rng.fork(`item:${i}`)));
      } else {
        items = Array.from({ length: request.tupleCount }, (_, i) => {
          const video = videos[i % videos.length] as PipelineVideo;
          const [centre] = clipWindows(video.meta.frameCount, 1, input.frames, SAMPLING_FPS);
          return testItem(video, labelOf(labels, video), centre?.frames ?? [], input);
        });
      }
    }
    return itemPipeline({
      batches: chunks(items, request.batchSize),
      videos,
      spec: { ...input.frameSize, fps: SAMPLING_FPS },
      report: reportOf(videos, input),
      fill,
      ...(request.firstBatch === undefined ? {} : { firstBatch: request.firstBatch }),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  };
}

/** Clips (or frames) of a test video: evenly spaced centres, numpy.linspace as in the retrieval protocol. */
export function testWindows(frameCount: number, clips: number, input: FinetuneInput): number[][] {
  const windows = input.frames === 1 ? referenceFrameWindows(frameCount, clips, SAMPLING_FPS) : referenceClipWindows(frameCount, clips, input.frames, SAMPLING_FPS);
  return windows.map((window) => window.frames);
}

export interface FinetuneTestOptions {
  /** Softmax probabilities of a batch's items, [items, classes] row-major. */
  probabilities(batch: ItemBatch): Promise<Float32Array>;
  videos: readonly PipelineVideo[];
  labels: ReadonlyMap<number, number>;
  input: FinetuneInput;
  clips: number;
  fill: BatchFiller;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Top-1 (and top-5 with ≥ 5 classes) of the averaged softmax of `clips` clips per test video. */
export async function finetuneTest(options: FinetuneTestOptions): Promise<FinetuneAccuracy> {
  const { input, labels, clips } = options;
  const videos = [...options.videos].sort(byContent);
  if (videos.length === 0) throw new Error('no test video to score');
  const batches = videos.map((video) =>
    testWindows(video.meta.frameCount, clips, input).map((frames) => testItem(video, labelOf(labels, video), frames, input)),
  );
  const pipeline = itemPipeline({
    batches,
    videos,
    spec: { ...input.frameSize, fps: SAMPLING_FPS },
    report: reportOf(videos, input),
    fill: options.fill,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const classes = input.classCount;
  let top1 = 0;
  let top5 = 0;
  let done = 0;
  for await (const batch of pipeline) {
    const probabilities = await options.probabilities(batch);
    const mean = new Float64Array(classes);
    const rows = batch.tuples.length;
    for (let row = 0; row < rows; row++) {
      for (let c = 0; c < classes; c++) mean[c] = (mean[c] as number) + (probabilities[row * classes + c] as number) / rows;
    }
    const truth = batch.labels[0] as number;
    // Other classes scoring at least as high as the true one: a tie is a miss, so a network that
    // says nothing (equal scores) never scores.
    const above = mean.reduce((count, value, c) => count + (c !== truth && value >= (mean[truth] as number) ? 1 : 0), 0);
    if (above === 0) top1++;
    if (above < 5) top5++;
    options.onProgress?.(++done, videos.length);
    throwIfAborted(options.signal, 'testing');
  }
  return { top1: top1 / videos.length, top5: classes >= 5 ? top5 / videos.length : null, videos: videos.length, clips };
}
