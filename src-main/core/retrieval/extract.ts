/**
 * Feature extraction for a list of videos with one frozen encoder: per video, the retrieval clips are
 * decoded, centre-cropped to the encoder's input, encoded, and handed to `onVideo` (the caller stores
 * them). A video that cannot be decoded is reported and skipped; cancel stops between videos.
 */
import { SAMPLING_FPS } from '../../shared/tasks.ts';
import { checkBackend } from '../compute/backend-check.ts';
import * as tf from '../compute/tf.ts';
import type { VideoFeatures } from '../db/features.ts';
import { cropResize, writeUnitFloats } from '../frames/augment.ts';
import type { FrameSource, VideoRef } from '../frames/frame-source.ts';
import { isMediaError, MediaError } from '../media/errors.ts';
import type { TaskModel } from '../models/task-models.ts';
import { centreCrop } from '../tasks/crops.ts';
import type { ClipWindow } from './clips.ts';
import { clipFeatures, tupleClipFeatures, videoFeature } from './encode.ts';
import type { ExtractionPlan } from './feature-protocol.ts';

/** What extraction runs: the task network's encoder, and its head's view of ordered frames where the plan asks for it. */
export type FeatureNetwork = Pick<TaskModel, 'encoder' | 'relate'>;

export interface ExtractionOptions {
  network: FeatureNetwork;
  /** The protocol's decode size, crop, clips and pooling. */
  plan: ExtractionPlan;
  source: FrameSource;
  videos: readonly { ref: VideoRef; contentHash: string | null }[];
  onVideo(features: VideoFeatures): void;
  onFailure(videoId: number, reason: string): void;
  signal?: AbortSignal;
  /** Input values per forward pass (default PASS_INPUT_BUDGET). */
  passBudget?: number;
}

/** The clips of one video as the encoder's input: [clips, frames, side, side, 3] in [0, 1]. */
async function clipPixels(options: ExtractionOptions, ref: VideoRef): Promise<{ pixels: Float32Array; windows: ClipWindow[] }> {
  const frame = options.plan.decodeSize;
  const side = options.plan.inputSize;
  const grid = await options.source.openGrid(ref, { ...frame, fps: SAMPLING_FPS }, options.signal ? { signal: options.signal } : {});
  try {
    if (grid.frameCount < 1) throw new MediaError('no frames: nothing could be decoded', { filePath: ref.path });
    const windows = options.plan.windows(grid.frameCount, SAMPLING_FPS);
    const indices = windows.flatMap((window) => window.frames);
    const rgb = await grid.readFrames(indices);
    const frameBytes = frame.width * frame.height * 3;
    const crop = centreCrop({ width: side, height: side }, frame);
    const pixels = new Float32Array(indices.length * side * side * 3);
    indices.forEach((_, k) => {
      const view = cropResize(rgb.subarray(k * frameBytes, (k + 1) * frameBytes), frame.width, frame.height, crop, side, side);
      writeUnitFloats(view, pixels, k * side * side * 3);
    });
    return { pixels, windows };
  } finally {
    await grid.close();
  }
}

/**
 * Input values per forward pass. Paper-size clips (16 × 112² for VCOP, 16 × 227² frames for S&L) go
 * one at a time, or wasm's 4 GB heap overflows in the first convolution; tiny ones all at once.
 */
export const PASS_INPUT_BUDGET = 1_000_000;

function encodeClips({ network, plan }: ExtractionOptions, clips: tf.Tensor5D): tf.Tensor2D {
  if (!plan.tuple) return clipFeatures(network.encoder, clips, plan);
  if (!network.relate) throw new Error('this network has no head that compares ordered frames, which the extraction plan asks for');
  return tupleClipFeatures(network.encoder, network.relate, clips, plan.tuple);
}

async function encodeVideo(options: ExtractionOptions, ref: VideoRef, contentHash: string | null): Promise<VideoFeatures> {
  const { pixels, windows } = await clipPixels(options, ref);
  const { clipsPerVideo, framesPerClip, inputSize: side } = options.plan;
  const clipValues = framesPerClip * side * side * 3;
  const perPass = Math.max(1, Math.floor((options.passBudget ?? PASS_INPUT_BUDGET) / clipValues));
  const passes: tf.Tensor2D[] = [];
  try {
    for (let first = 0; first < clipsPerVideo; first += perPass) {
      const count = Math.min(perPass, clipsPerVideo - first);
      const values = pixels.subarray(first * clipValues, (first + count) * clipValues);
      const input = tf.tensor5d(values, [count, framesPerClip, side, side, 3]);
      try {
        passes.push(encodeClips(options, input));
      } finally {
        input.dispose();
      }
    }
    const clips = tf.concat(passes);
    const mean = videoFeature(clips);
    const [clipVectors, vector] = await Promise.all([clips.data(), mean.data()]);
    tf.dispose([clips, mean]);
    await checkBackend();
    return {
      videoId: ref.id,
      contentHash,
      vector: vector as Float32Array,
      clipVectors: clipVectors as Float32Array,
      clips: windows.map((window) => window.span),
    };
  } finally {
    tf.dispose(passes);
  }
}

/** Returns true when every video was handled, false when cancelled. */
export async function extractFeatures(options: ExtractionOptions): Promise<boolean> {
  for (const { ref, contentHash } of options.videos) {
    if (options.signal?.aborted) return false;
    try {
      options.onVideo(await encodeVideo(options, ref, contentHash));
    } catch (error) {
      if (options.signal?.aborted) return false;
      if (!isMediaError(error)) throw error;
      options.onFailure(ref.id, error.reason);
    }
  }
  return !options.signal?.aborted;
}
