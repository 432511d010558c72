/**
 * Where the retrieval clips of a video lie (PAPERS.md, VCOP protocol): `count` clips of `length`
 * frames centred at evenly spaced points from frame length/2 to frameCount − length/2. A video shorter
 * than one clip repeats its last frame, so every ready video still gets a vector.
 */
import { takesClips, tupleShape } from '../../shared/tasks.ts';
import type { TrainConfig } from '../../shared/training.ts';

export const RETRIEVAL_CLIPS = 10;
/** The paper's 16-frame clips, for frame encoders (clip encoders use their own input length). */
export const FRAME_ENCODER_CLIP_FRAMES = 16;

/** Frames per retrieval clip: a clip encoder's own clip length (frames per tuple element), else the paper's 16 frames. */
export function retrievalClipFrames(config: TrainConfig): number {
  return takesClips(config.task.task) ? tupleShape(config.task)[1] : FRAME_ENCODER_CLIP_FRAMES;
}

// The windows live in core/util: fine-tuning (core/training) tests on the same clips.
export { clipWindows, type ClipWindow } from '../util/clip-windows.ts';
