/**
 * Where the retrieval clips of a video lie (PAPERS.md, VCOP protocol): `count` clips of `length`
 * frames centred at evenly spaced points from frame length/2 to frameCount − length/2. A video shorter
 * than one clip repeats its last frame, so every ready video still gets a vector.
 */
import type { ClipSpan } from '../../shared/dto.ts';
import { takesClips, tupleShape } from '../../shared/tasks.ts';
import type { TrainConfig } from '../../shared/training.ts';

export const RETRIEVAL_CLIPS = 10;
/** The paper's 16-frame clips, for frame encoders (clip encoders use their own input length). */
export const FRAME_ENCODER_CLIP_FRAMES = 16;

/** Frames per retrieval clip: a clip encoder's own clip length (frames per tuple element), else the paper's 16 frames. */
export function retrievalClipFrames(config: TrainConfig): number {
  return takesClips(config.task.task) ? tupleShape(config.task)[1] : FRAME_ENCODER_CLIP_FRAMES;
}

export interface ClipWindow {
  /** Frame indices of the clip, in order (repeats at the end of short videos). */
  frames: number[];
  span: ClipSpan;
}

export function clipWindows(frameCount: number, count: number, length: number, fps: number): ClipWindow[] {
  if (!Number.isInteger(frameCount) || frameCount < 1) throw new RangeError('a video needs at least one frame for features');
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(length) || length < 1) {
    throw new RangeError('clip count and length must be positive whole numbers');
  }
  const lastStart = Math.max(0, frameCount - length);
  return Array.from({ length: count }, (_, index) => {
    // Centres evenly spaced over [length/2, frameCount − length/2]: starts evenly spaced over [0, lastStart].
    const start = count === 1 ? Math.floor(lastStart / 2) : Math.round((index * lastStart) / (count - 1));
    const frames = Array.from({ length }, (_, offset) => Math.min(start + offset, frameCount - 1));
    const end = Math.min(start + length, frameCount);
    return { frames, span: { index, startSeconds: start / fps, endSeconds: end / fps } };
  });
}
