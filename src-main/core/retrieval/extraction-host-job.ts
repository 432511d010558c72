/**
 * Feature extraction in the compute host page: the same start/cancel and FromExtractionWorker messages
 * as the worker thread (protocol.ts), the encoder on the page's WebGPU; the frames are requests to
 * main, which decodes only the set's own videos. extraction-host-bridge.ts is main's side. Plain web
 * code (no Node imports).
 */
import type { FeatureProtocol } from '../../shared/dto.ts';
import type { TrainConfig } from '../../shared/training.ts';
import type { FrameSource, GridSpec } from '../frames/frame-source.ts';
import type { JobPort } from '../jobs/job-port.ts';
import { serveJobOver } from '../jobs/job-port.ts';
import { portRequester } from '../jobs/port-requests.ts';
import { MediaError } from '../media/errors.ts';
import { checkpointArtifactsOf, type CheckpointFiles } from '../models/checkpoint.ts';
import type { VideoMeta } from '../tasks/samplers/types.ts';
import { runExtractionJob } from './extraction-job.ts';
import type { FromExtractionWorker } from './protocol.ts';

export interface HostExtractionStart {
  config: TrainConfig;
  protocol: FeatureProtocol;
  /** The checkpoint's files, or a random init's seed. */
  weights: { kind: 'checkpoint'; files: CheckpointFiles } | { kind: 'random'; seed: number };
  /** By id: the page never learns a file's path. */
  videos: { id: number; contentHash: string | null }[];
}

export type ExtractionHostRequests = {
  /** Decodes a video into the grid (main's frame cache) and says what it holds. */
  grid: { ask: { videoId: number; spec: GridSpec }; answer: VideoMeta };
  /** RGB bytes of the grid's frames at `indices`. */
  frames: { ask: { videoId: number; spec: GridSpec; indices: number[] }; answer: Uint8Array };
};

type Ask = ReturnType<typeof portRequester<ExtractionHostRequests>>;

/** A failed request that was a MediaError in main is one here too, so the video is skipped, not the job failed. */
function asMediaError(error: unknown): unknown {
  const reason = (error as { name?: string; reason?: unknown } | null)?.reason;
  return (error as Error | null)?.name === 'MediaError' && typeof reason === 'string' ? new MediaError(reason) : error;
}

/** Frames from main: each read asks for exactly the frames it needs. */
function requestedFrames(ask: Ask): FrameSource {
  return {
    async openGrid(video, spec, { signal } = {}) {
      const meta = await ask({ kind: 'grid', videoId: video.id, spec }, [], signal).catch((error: unknown) => {
        throw asMediaError(error);
      });
      const readFrames = (indices: readonly number[]) =>
        ask({ kind: 'frames', videoId: video.id, spec, indices: [...indices] }, [], signal).catch((error: unknown) => {
          throw asMediaError(error);
        });
      return {
        ...meta,
        readFrames,
        readClip: (start, length, stride = 1) => readFrames(Array.from({ length }, (_, offset) => start + offset * stride)),
        close: async () => {},
      };
    },
  };
}

/** Serves extraction jobs on `port`; `backend` makes the page's backend current and names it (as for training). */
export function serveExtractionHost(port: JobPort, backend: () => Promise<string>): void {
  const ask = portRequester<ExtractionHostRequests>(port);
  serveJobOver<HostExtractionStart, FromExtractionWorker>(port, async (start, signal, post) => {
    post({ type: 'backend', backend: await backend() });
    const { weights } = start;
    return runExtractionJob(
      {
        config: start.config,
        protocol: start.protocol,
        videos: start.videos.map(({ id, contentHash }) => ({ ref: { id, path: `video ${id}` }, contentHash })),
        checkpoint: weights.kind === 'checkpoint' ? { load: async () => checkpointArtifactsOf(weights.files) } : null,
        seed: weights.kind === 'random' ? weights.seed : start.config.seed,
        source: requestedFrames(ask),
      },
      signal,
      post,
    );
  });
}
