/**
 * Main's side of extraction in the compute host page (extraction-host-job.ts). To the feature service
 * it is the worker thread's JobPort: the same ExtractionStart in, the same messages out. Meanwhile it
 * reads the checkpoint for the page and decodes the frames it asks for, after checking them: only the
 * set's own videos, only at the grid the set's protocol decodes.
 */
import { SAMPLING_FPS } from '../../shared/tasks.ts';
import { FrameCache } from '../frames/frame-cache.ts';
import { createFfmpegFrameSource, type FrameSource, type GridSpec, type VideoRef } from '../frames/frame-source.ts';
import type { JobPort } from '../jobs/job-port.ts';
import { bridgePageJob } from '../jobs/port-requests.ts';
import { readCheckpointFiles } from '../models/checkpoint-folder.ts';
import { fileBuffers } from '../training/host-protocol.ts';
import type { ExtractionHostRequests, HostExtractionStart } from './extraction-host-job.ts';
import { extractionPlan } from './feature-protocol.ts';
import type { ExtractionStart } from './protocol.ts';

/** The ffmpeg frame source over the library's frame cache, as the worker thread reads frames. */
export function cachedFrameSource(start: ExtractionStart): { source: FrameSource; close(): Promise<void> } {
  const cache = new FrameCache(start.frameCacheFolder, { maxBytes: start.frameCacheBytes });
  return { source: createFfmpegFrameSource(start.tools, cache), close: () => cache.flush() };
}

/** `page`: the channel to a page that serves extraction jobs. */
export function computeHostExtraction(page: JobPort, frames: (start: ExtractionStart) => { source: FrameSource; close(): Promise<void> } = cachedFrameSource): JobPort {
  let opened: ReturnType<typeof frames> | null = null;
  let videos = new Map<number, VideoRef>();
  let grid: GridSpec | null = null;

  /** Main's own record of the video, refused unless it is the set's and the grid is the protocol's. */
  const checked = (videoId: number, spec: GridSpec): VideoRef => {
    const ref = videos.get(videoId);
    if (!ref) throw new Error(`the compute host asked for frames of video ${videoId}, which its feature set does not hold`);
    if (!grid || spec.width !== grid.width || spec.height !== grid.height || spec.fps !== grid.fps) {
      throw new Error(`the compute host asked for a ${spec.width}×${spec.height} grid at ${spec.fps} fps, which its feature set does not decode`);
    }
    return ref;
  };

  return bridgePageJob<ExtractionStart, HostExtractionStart, ExtractionHostRequests>(page, {
    begin: async (start) => {
      opened = frames(start);
      videos = new Map(start.videos.map(({ ref }) => [ref.id, ref]));
      grid = { ...extractionPlan(start.config, start.protocol).decodeSize, fps: SAMPLING_FPS };
      const { weights } = start;
      const files = weights.kind === 'checkpoint' ? await readCheckpointFiles(weights.folder) : null;
      return {
        start: {
          config: start.config,
          protocol: start.protocol,
          weights: files ? { kind: 'checkpoint', files } : { kind: 'random', seed: weights.kind === 'random' ? weights.seed : start.config.seed },
          videos: start.videos.map(({ ref, contentHash }) => ({ id: ref.id, contentHash })),
        },
        transfer: files ? fileBuffers(files) : [],
      };
    },
    answer: async (request, signal) => {
      if (!opened) throw new Error('the compute host asked for frames before its job started');
      const ref = checked(request.videoId, request.spec);
      const decoded = await opened.source.openGrid(ref, request.spec, { signal });
      try {
        if (request.kind === 'grid') {
          const { id, frameCount, width, height, fps } = decoded;
          return { answer: { id, frameCount, width, height, fps } };
        }
        if (!request.indices.every((index) => Number.isInteger(index) && index >= 0 && index < decoded.frameCount)) {
          throw new Error(`the compute host asked for frames outside video ${ref.id}'s ${decoded.frameCount}`);
        }
        // Copied, not transferred: the bytes may be a view of what the source keeps.
        const bytes = await decoded.readFrames(request.indices);
        return { answer: bytes };
      } finally {
        await decoded.close();
      }
    },
    close: () => void opened?.close(),
  });
}
