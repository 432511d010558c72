/**
 * What each feature protocol (shared/dto.ts FEATURE_PROTOCOLS) decodes, crops and samples. The
 * `vcop-reference` numbers follow VCOP's retrieve_clips.py / retrieve_frames.py and its datasets'
 * retrieval samplers; `compact` keeps the encoder's own input.
 */
import type { FeatureProtocol } from '../../shared/dto.ts';
import type { TrainConfig } from '../../shared/training.ts';
import { tupleShape } from '../../shared/tasks.ts';
import { clipWindows, RETRIEVAL_CLIPS, retrievalClipFrames, type ClipWindow } from './clips.ts';

export interface ExtractionPlan {
  protocol: FeatureProtocol;
  /** Frames are decoded (squashed, as torchvision's Resize((h, w)) does) to this size before the crop. */
  decodeSize: { width: number; height: number };
  /** Side of the centre crop the encoder sees. */
  inputSize: number;
  clipsPerVideo: number;
  /** 1 for the reference's single frames. */
  framesPerClip: number;
  /** The clips of a video of `frameCount` frames. */
  windows(frameCount: number, fps: number): ClipWindow[];
  /** How the last conv map becomes a clip vector: a global max over space, or the reference's local grid. */
  pooling: 'global-max' | 'reference-grid';
}

/** retrieve_clips.py: 16-frame clips, Resize((128, 171)), CenterCrop(112). */
export const REFERENCE_CLIP = { frames: 16, decode: { width: 171, height: 128 }, crop: 112 } as const;
/**
 * retrieve_frames.py: Resize((256, 256)), CenterCrop(224) into AlexNet, whose conv1 pads 2 px. Our
 * CaffeNet's conv1 has no padding, so it takes 227 px: the same 55-px conv1 grid and 6×6 conv5 pool.
 */
export const REFERENCE_FRAME = { decode: { width: 256, height: 256 }, crop: 227 } as const;

const isClipTask = (config: TrainConfig) => config.task.task === 'clip-order';

/** numpy.linspace(start, stop, count)[index], computed as numpy does (index · step + start, the last one exact). */
function linspace(start: number, stop: number, count: number, index: number): number {
  if (count === 1) return start;
  return index === count - 1 ? stop : index * ((stop - start) / (count - 1)) + start;
}

/**
 * The reference's clips: centres at linspace(L/2, n − L/2, count), each starting at int(centre − L/2).
 * A video shorter than a clip starts at 0 and repeats its last frame (the reference would fail).
 */
export function referenceClipWindows(frameCount: number, count: number, length: number, fps: number): ClipWindow[] {
  return clipWindows(frameCount, count, length, fps).map((_, index) => {
    const start = Math.max(0, Math.trunc(linspace(length / 2, frameCount - length / 2, count, index) - length / 2));
    const frames = Array.from({ length }, (_, offset) => Math.min(start + offset, frameCount - 1));
    return { frames, span: { index, startSeconds: start / fps, endSeconds: Math.min(start + length, frameCount) / fps } };
  });
}

/** The reference's single frames: int(linspace(0, n − 1, count)). */
export function referenceFrameWindows(frameCount: number, count: number, fps: number): ClipWindow[] {
  return clipWindows(frameCount, count, 1, fps).map((_, index) => {
    const frame = Math.trunc(linspace(0, frameCount - 1, count, index));
    return { frames: [frame], span: { index, startSeconds: frame / fps, endSeconds: (frame + 1) / fps } };
  });
}

export function extractionPlan(config: TrainConfig, protocol: FeatureProtocol): ExtractionPlan {
  if (protocol === 'compact') {
    const framesPerClip = retrievalClipFrames(config);
    return {
      protocol,
      decodeSize: config.task.frameSize,
      inputSize: tupleShape(config.task)[2],
      clipsPerVideo: RETRIEVAL_CLIPS,
      framesPerClip,
      windows: (frameCount, fps) => clipWindows(frameCount, RETRIEVAL_CLIPS, framesPerClip, fps),
      pooling: 'global-max',
    };
  }
  if (isClipTask(config)) {
    return {
      protocol,
      decodeSize: REFERENCE_CLIP.decode,
      inputSize: REFERENCE_CLIP.crop,
      clipsPerVideo: RETRIEVAL_CLIPS,
      framesPerClip: REFERENCE_CLIP.frames,
      windows: (frameCount, fps) => referenceClipWindows(frameCount, RETRIEVAL_CLIPS, REFERENCE_CLIP.frames, fps),
      pooling: 'reference-grid',
    };
  }
  return {
    protocol,
    decodeSize: REFERENCE_FRAME.decode,
    inputSize: REFERENCE_FRAME.crop,
    clipsPerVideo: RETRIEVAL_CLIPS,
    framesPerClip: 1,
    windows: (frameCount, fps) => referenceFrameWindows(frameCount, RETRIEVAL_CLIPS, fps),
    pooling: 'reference-grid',
  };
}
