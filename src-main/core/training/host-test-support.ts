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
import { runJobOver } from '../jobs/job-port.ts';
import type { MetricPoint } from '../../shared/dto.ts';
import { buildTrainableModel } from '../models/trainable-model.ts';
import { folderCheckpointStore } from './checkpoint-store.ts';
import { train } from './engine.ts';
import type { FromWorker, WorkerStart } from './protocol.ts';

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
    labels: [],
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

const trainLosses = (points: MetricPoint[]) => points.filter((point) => point.split === 'train').map((point) => point.loss);

/**
 * Runs `start` over `port` as the training service does, collecting what the job reports; `stopAt`
 * cancels once that training step is reported.
 */
export async function runHostJob(port: JobPort, start: WorkerStart, stopAt?: number) {
  const messages: FromWorker[] = [];
  const controller = new AbortController();
  const done = await runJobOver<WorkerStart, FromWorker, FromWorker & { type: 'done' }>(
    port,
    start,
    (message, finish) => {
      messages.push(message);
      if (message.type === 'metrics' && message.points.some((point) => point.split === 'train' && point.step === stopAt)) controller.abort();
      if (message.type === 'done') finish(message);
    },
    { signal: controller.signal },
  );
  const points = messages.flatMap((message) => (message.type === 'metrics' ? message.points : []));
  const checkpoints = messages.flatMap((message) => (message.type === 'checkpoint' ? [message] : []));
  return { outcome: done.outcome, messages, losses: trainLosses(points), checkpoints };
}

/** The training losses of the same job run by the engine directly in this thread, on tfjs's current `backend`. */
export async function runJobHere(config: TrainConfig, backend: string, folder: string): Promise<number[]> {
  const points: MetricPoint[] = [];
  const model = buildTrainableModel(config, backend);
  try {
    await train({
      ...hostJobStart(config, folder),
      fill: memoryLoader().fill,
      model,
      checkpoints: folderCheckpointStore((step) => join(folder, `step-${step}`)),
      callbacks: { onMetrics: (batch) => points.push(...batch), onCheckpoint: () => {} },
    });
  } finally {
    model.dispose();
  }
  return trainLosses(points);
}
