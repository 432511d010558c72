/**
 * Feature extraction for a list of videos with one frozen encoder: per video, the retrieval clips are
 * decoded, centre-cropped to the encoder's input, encoded, and handed to `onVideo` (the caller stores
 * them). A video that cannot be decoded is reported and skipped; cancel stops between videos.
 */
import { SAMPLING_FPS } from '../../shared/tasks.ts';
import type { TrainConfig } from '../../shared/training.ts';
import * as tf from '../compute/tf.ts';
import type { VideoFeatures } from '../db/features.ts';
import { cropResize, writeUnitFloats } from '../frames/augment.ts';
import type { FrameSource, VideoRef } from '../frames/frame-source.ts';
import { isMediaError } from '../media/errors.ts';
import type { Encoder } from '../models/encoder.ts';
import { centreCrop } from '../tasks/crops.ts';
import { clipWindows, type ClipWindow } from './clips.ts';
import { clipFeatures, inputSide, videoFeature } from './encode.ts';

export interface ExtractionOptions {
  encoder: Encoder;
  /** Supplies the decoded frame size. */
  config: TrainConfig;
  source: FrameSource;
  videos: readonly { ref: VideoRef; contentHash: string | null }[];
  clipsPerVideo: number;
  framesPerClip: number;
  onVideo(features: VideoFeatures): void;
  onFailure(videoId: number, reason: string): void;
  signal?: AbortSignal;
}

/** The clips of one video as the encoder's input: [clips, frames, side, side, 3] in [0, 1]. */
async function clipPixels(options: ExtractionOptions, ref: VideoRef): Promise<{ pixels: Float32Array; windows: ClipWindow[] }> {
  const frame = options.config.task.frameSize;
  const side = inputSide(options.encoder);
  const grid = await options.source.openGrid(ref, { ...frame, fps: SAMPLING_FPS }, options.signal ? { signal: options.signal } : {});
  try {
    const windows = clipWindows(grid.frameCount, options.clipsPerVideo, options.framesPerClip, SAMPLING_FPS);
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

async function encodeVideo(options: ExtractionOptions, ref: VideoRef, contentHash: string | null): Promise<VideoFeatures> {
  const { pixels, windows } = await clipPixels(options, ref);
  const side = inputSide(options.encoder);
  const input = tf.tensor5d(pixels, [options.clipsPerVideo, options.framesPerClip, side, side, 3]);
  try {
    const clips = clipFeatures(options.encoder, input);
    const mean = videoFeature(clips);
    const [clipVectors, vector] = await Promise.all([clips.data(), mean.data()]);
    tf.dispose([clips, mean]);
    return {
      videoId: ref.id,
      contentHash,
      vector: vector as Float32Array,
      clipVectors: clipVectors as Float32Array,
      clips: windows.map((window) => window.span),
    };
  } finally {
    input.dispose();
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
