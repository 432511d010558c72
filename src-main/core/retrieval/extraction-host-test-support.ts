/**
 * A short extraction job for the compute host's tests (not a test file itself): generated frames,
 * the start the feature service would send, and a runner collecting what the job reports. The vitest
 * suite runs the page's side in Node; e2e/compute-host.spec.ts runs it in Chromium on WebGPU.
 */
import { trainPreset } from '../../shared/training.ts';
import type { FrameSource } from '../frames/frame-source.ts';
import { runJobOver, type JobPort } from '../jobs/job-port.ts';
import type { MediaTools } from '../media/tools.ts';
import { runExtractionJob } from './extraction-job.ts';
import type { ExtractionStart, FromExtractionWorker } from './protocol.ts';

/** Frame counts of the generated videos (frames/test-support.ts memoryFrameSource). */
export const FRAMES = new Map([[1, 40], [2, 55], [3, 30]]);
/** Sequence sorting on the tiny AlexNet, the cheapest encoder, on `backend`. */
export const extractionConfig = (backend: 'cpu' | 'wasm' | 'webgpu') => ({ ...trainPreset('sequence-sorting', 'alexnet', 'tiny'), backend });

/** What the feature service sends for `ids`, random weights of seed 7. */
export function extractionStart(ids: number[], config = extractionConfig('cpu')): ExtractionStart {
  return {
    config,
    weights: { kind: 'random', seed: 7 },
    videos: ids.map((id) => ({ ref: { id, path: `/videos/${id}.mp4` }, contentHash: `hash-${id}` })),
    protocol: 'compact',
    tools: { ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe' } as MediaTools,
    frameCacheFolder: '/nonexistent/frames',
    frameCacheBytes: 0,
  };
}

/** The bridge's frames, read from `source`. */
export const framesFrom = (source: FrameSource) => () => ({ source, close: async () => {} });

/** Runs `job` over `port` as the feature service does, collecting what it reports. */
export async function runExtraction(port: JobPort, job: ExtractionStart, signal?: AbortSignal) {
  const messages: FromExtractionWorker[] = [];
  const cancelled = await runJobOver<ExtractionStart, FromExtractionWorker, boolean>(
    port,
    job,
    (message, finish) => {
      messages.push(message);
      if (message.type === 'done') finish(message.cancelled);
    },
    signal ? { signal } : {},
  );
  return { cancelled, messages };
}


/** The same job run directly in this thread on tfjs's current backend: the reference. */
export async function runExtractionHere(job: ExtractionStart, source: FrameSource): Promise<FromExtractionWorker[]> {
  const messages: FromExtractionWorker[] = [];
  const seed = job.weights.kind === 'random' ? job.weights.seed : job.config.seed;
  const run = { config: job.config, protocol: job.protocol, videos: job.videos, checkpoint: null, seed, source };
  const last = await runExtractionJob(run, new AbortController().signal, (message) => messages.push(message));
  return [...messages, last];
}
