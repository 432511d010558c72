/** Messages between a batch filler client and its loader thread. */
import type { MediaTools } from '../media/tools.ts';
import type { FrameRate } from './decode.ts';
import type { VideoRef } from './frame-source.ts';
import type { VideoMotion } from './motion-scores.ts';
import type { FillJob } from './pipeline.ts';

/** What the motion decode of one video needs to know about it. */
export type MotionVideo = Pick<VideoRef, 'path' | 'media'>;

/** What a thread needs to read frames: the tools and the library's frame cache. */
export interface LoaderSetup {
  tools: MediaTools;
  frameCacheFolder: string;
  frameCacheBytes: number;
}

export type ToLoader =
  | { type: 'setup'; setup: LoaderSetup }
  | { type: 'fill'; id: number; job: FillJob }
  /** A video's motion scores (training's preparation), decoded and scored off the caller's thread. */
  | { type: 'motion'; id: number; video: MotionVideo; rate: FrameRate }
  | { type: 'abort'; id: number }
  /** Stop: cancel what runs, let the frame cache finish its writes, answer 'closed'. */
  | { type: 'close' };

/** An error as data: its name lets the client tell media errors and cancels from bugs. */
export interface LoaderError {
  name: string;
  message: string;
  /** MediaError's reason. */
  reason?: string;
  filePath?: string;
}

export type FromLoader =
  | { type: 'filled'; id: number; inputs: Float32Array }
  | { type: 'motion'; id: number; motion: VideoMotion }
  | { type: 'failed'; id: number; error: LoaderError }
  | { type: 'closed' };
