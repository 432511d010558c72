/**
 * What each feature protocol (shared/dto.ts FEATURE_PROTOCOLS) decodes, crops and samples. The
 * `vcop-reference` numbers follow VCOP's retrieve_clips.py / retrieve_frames.py and its datasets'
 * retrieval samplers; `compact` keeps the encoder's own input.
 */
import type { FeatureProtocol } from '../../shared/dto.ts';
import type { TrainConfig } from '../../shared/training.ts';
import { dynamicImageSpacing, relationTupleSpacing, spacedFramesNeeded, takesClips, tupleShape, type SubsequenceSpacing } from '../../shared/tasks.ts';
import { clipWindows, RETRIEVAL_CLIPS, retrievalClipFrames } from './clips.ts';
import { referenceClipWindows, referenceFrameWindows, type ClipWindow } from '../util/clip-windows.ts';

export { referenceClipWindows, referenceFrameWindows };

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
  /**
   * A frame encoder trained on dynamic images (O3N) sees each clip as the dynamic images of the
   * subsequences that fit it, spaced as in training; null: frames one by one (the reference's single frames).
   */
  subsequence: SubsequenceSpacing | null;
  /**
   * A frame encoder whose head compares ordered frames (S&L, OPN) gives each clip the head's view of
   * the clip's ordered tuples, spaced as in training, averaged: frame features alone lose the order
   * of frames, the very thing these tasks learn. null: the encoder's features.
   */
  tuple: SubsequenceSpacing | null;
}

/** retrieve_clips.py: 16-frame clips, Resize((128, 171)), CenterCrop(112). */
export const REFERENCE_CLIP = { frames: 16, decode: { width: 171, height: 128 }, crop: 112 } as const;
/**
 * retrieve_frames.py: Resize((256, 256)), CenterCrop(224) into AlexNet, whose conv1 pads 2 px. Our
 * CaffeNet's conv1 has no padding, so it takes 227 px: the same 55-px conv1 grid and 6×6 conv5 pool.
 */
export const REFERENCE_FRAME = { decode: { width: 256, height: 256 }, crop: 227 } as const;

export function extractionPlan(config: TrainConfig, protocol: FeatureProtocol): ExtractionPlan {
  if (protocol === 'compact') {
    const tuple = relationTupleSpacing(config.task);
    // A clip holds at least one whole tuple (the paper presets' gaps span more than 16 frames).
    const framesPerClip = Math.max(retrievalClipFrames(config), tuple ? spacedFramesNeeded(tuple.frames, tuple.stride) : 0);
    return {
      protocol,
      decodeSize: config.task.frameSize,
      inputSize: tupleShape(config.task)[2],
      clipsPerVideo: RETRIEVAL_CLIPS,
      framesPerClip,
      windows: (frameCount, fps) => clipWindows(frameCount, RETRIEVAL_CLIPS, framesPerClip, fps),
      pooling: 'global-max',
      subsequence: dynamicImageSpacing(config.task),
      tuple,
    };
  }
  if (takesClips(config.task.task)) {
    return {
      protocol,
      decodeSize: REFERENCE_CLIP.decode,
      inputSize: REFERENCE_CLIP.crop,
      clipsPerVideo: RETRIEVAL_CLIPS,
      framesPerClip: REFERENCE_CLIP.frames,
      windows: (frameCount, fps) => referenceClipWindows(frameCount, RETRIEVAL_CLIPS, REFERENCE_CLIP.frames, fps),
      pooling: 'reference-grid',
      subsequence: null,
      tuple: null,
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
    subsequence: null,
    tuple: null,
  };
}
