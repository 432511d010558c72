/**
 * A short training job for the compute host's tests (not a test file itself): generated frames, a
 * loader that renders them in-process, and the start the training service would send. The vitest
 * suite runs the page's side in Node; e2e/compute-host.spec.ts runs it in Chromium on WebGPU.
 */
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { trainPreset, type TrainConfig } from '../../shared/training.ts';
import type { BatchLoader } from '../frames/loader.ts';
import { localFiller } from '../frames/pipeline.ts';
import { memoryFrameSource, memoryPipelineVideos } from '../frames/test-support.ts';
import type { MediaTools } from '../media/tools.ts';
import { webJobPort, type JobPort, type WebMessagePort } from '../jobs/job-port.ts';
import { computeHostTraining } from './host-bridge.ts';
import { serveTrainingHost } from './host-job.ts';
import type { WorkerStart } from './protocol.ts';

const FRAMES = new Map([[1, 60], [2, 90], [3, 80], [4, 70]]);

/** Sequence sorting on the tiny AlexNet: the cheapest task network to step. */
export function hostJobConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...trainPreset('sequence-sorting', 'alexnet', 'tiny'),
    steps: 6,
    batchSize: 2,
    evaluateEvery: 3,
    checkpointEvery: 3,
    validationTuples: 4,
    ...overrides,
  };
}

/** What the training service sends its worker for `config`, checkpointing under `folder`. */
export function hostJobStart(config: TrainConfig, folder: string, resume: { step: number; from: string } | null = null): WorkerStart {
  const videos = memoryPipelineVideos(FRAMES, config.task.frameSize);
  return {
    config,
    startStep: resume?.step ?? 0,
    resumeFrom: resume?.from ?? null,
    train: videos.slice(0, 3),
    validation: videos.slice(3),
    // memoryLoader reads no video file, so no tool is run.
    tools: { ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe' } as MediaTools,
    frameCacheFolder: join(folder, 'frames'),
    frameCacheBytes: 0,
    checkpointRoot: join(folder, 'runs', '1'),
  };
}

/** A batch loader over the generated frames, in this process (no ffmpeg, no thread). */
export function memoryLoader(): BatchLoader {
  return { fill: localFiller(memoryFrameSource(FRAMES)), close: async () => {} };
}

/**
 * The page's side served in this process on one end of a MessageChannel, on tfjs's current backend
 * (`backend` names it, or rejects as a page without WebGPU would); main's bridge on the other end.
 */
export function inProcessHost(backend: () => Promise<string>, loader?: Parameters<typeof computeHostTraining>[1]): JobPort {
  const channel = new MessageChannel();
  serveTrainingHost(webJobPort(channel.port1 as unknown as WebMessagePort), backend);
  return computeHostTraining(webJobPort(channel.port2 as unknown as WebMessagePort), loader);
}
