/**
 * What a sampler produces: a tuple that says exactly what the network will see, in frame indices and
 * pixel rectangles of the decoded frame grid. A frame source reads the pixels later.
 */
import type { TaskConfig, TaskId } from '../../../shared/tasks.ts';
import type { Crop, Size } from '../crops.ts';
import type { CellMotion } from '../motion.ts';
import type { Rng } from '../rng.ts';

/** A video as the frame source decodes it: frame indices and sizes refer to that grid. */
export interface VideoMeta {
  id: number;
  frameCount: number;
  width: number;
  height: number;
  fps: number;
}

export type ChannelIndex = 0 | 1 | 2;

/** One frame as the network sees it. */
export interface FrameView {
  /** Index in the decoded frame grid. */
  frame: number;
  /** The rectangle to cut from the decoded frame, then resize to the tuple's outputSize. */
  crop: Crop;
  /** Mirror left-right after cropping. */
  flip: boolean;
  /** Channel splitting: copy this RGB channel into all three; null keeps the colours. */
  channel: ChannelIndex | null;
}

/** A frame (S&L, OPN) or a clip / subsequence (VCOP, O3N): its frames in the order presented. */
export interface TupleElement {
  frames: FrameView[];
}

export type { OrderVerificationKind, TupleDetails } from '../../../shared/tasks.ts';
import type { TupleDetails } from '../../../shared/tasks.ts';

export interface Tuple<T extends TaskId = TaskId> {
  task: T;
  videoId: number;
  /** In the order the network's branches receive them. */
  elements: TupleElement[];
  /** Every crop is resized to this: the config's crop size (crops are smaller only in smaller frames). */
  outputSize: Size;
  label: number;
  classCount: number;
  /** One sentence for the preview UI, e.g. which order is shown and why it has its label. */
  explanation: string;
  detail: TupleDetails[T];
}

export type SkipReasonCode = 'too-short';

/** Why a video cannot host a tuple. */
export interface SkipReason {
  skipped: true;
  reason: SkipReasonCode;
  /** Frames a tuple needs, and frames the video has. */
  needed: number;
  have: number;
}

/** A video with its motion: per-frame scores and, optionally, per-cell scores (OPN's patch). */
export interface VideoSlot {
  video: VideoMeta;
  motion: Float32Array | null;
  cells: CellMotion | null;
}

/** Pure: the same arguments and rng state always give the same tuple. */
export type Sampler<C extends TaskConfig> = (
  video: VideoMeta,
  motion: Float32Array | null,
  rng: Rng,
  config: C,
  cells?: CellMotion | null,
) => Tuple<C['task']> | SkipReason;

/** A task's sampler; the frames a video needs are the task record's `framesNeeded` (shared/tasks.ts). */
export interface TaskSampler<C extends TaskConfig> {
  sample: Sampler<C>;
  /**
   * One tuple per slot, each from its own fork of `rng`; the slots must have framesNeeded frames.
   * Batch-level rules live here (S&L makes its negative ratio exact per batch).
   */
  sampleBatch(slots: readonly VideoSlot[], rng: Rng, config: C): Tuple<C['task']>[];
}
