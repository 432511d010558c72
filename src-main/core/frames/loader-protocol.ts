/** Messages between a batch filler client and its loader thread. */
import type { MediaTools } from '../media/tools.ts';
import type { FillJob } from './pipeline.ts';

/** What a thread needs to read frames: the tools and the library's frame cache. */
export interface LoaderSetup {
  tools: MediaTools;
  frameCacheFolder: string;
  frameCacheBytes: number;
}

export type ToLoader =
  | { type: 'setup'; setup: LoaderSetup }
  | { type: 'fill'; id: number; job: FillJob }
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
  | { type: 'fill-failed'; id: number; error: LoaderError }
  | { type: 'closed' };
