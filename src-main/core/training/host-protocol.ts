/**
 * The training job of the compute host page (a hidden Chromium page with WebGPU and no Node): the same
 * start/cancel and FromWorker messages as the worker thread, plus what the page must ask main for,
 * since it has neither the library's frames nor a disk. host-job.ts is the page's side, host-bridge.ts
 * main's.
 */
import type { FillJob, PipelineVideo } from '../frames/pipeline.ts';
import type { CheckpointFiles } from '../models/checkpoint.ts';
import type { ToJob } from '../jobs/job-port.ts';
import type { PortRequestMessage, RequestOf, RequestReply } from '../jobs/port-requests.ts';
import type { TrainConfig } from '../../shared/training.ts';
import type { FromWorker } from './protocol.ts';
import type { VideoLabel } from './online-knn.ts';

export interface HostTrainingStart {
  config: TrainConfig;
  startStep: number;
  /** The files of the checkpoint to continue from; null for a fresh start. */
  resume: CheckpointFiles | null;
  train: PipelineVideo[];
  validation: PipelineVideo[];
  /** For the online kNN (engine.ts). */
  labels: VideoLabel[];
}

/** What the page asks main for, and what main answers each with. */
export type HostRequests = {
  /** A batch's floats, rendered by main's batch loader. */
  fill: { ask: { job: FillJob }; answer: Float32Array };
  /** Keeps a checkpoint in the run's folder; the answer is that folder. */
  'save-checkpoint': { ask: { step: number; files: CheckpointFiles }; answer: string };
};

export type HostRequest = RequestOf<HostRequests>;

export type FromHost = FromWorker | PortRequestMessage<HostRequests>;

export type ToHost = ToJob<HostTrainingStart> | RequestReply<HostRequests>;

/** The buffers of a checkpoint's files, to transfer rather than copy. */
export function fileBuffers(files: CheckpointFiles): ArrayBuffer[] {
  return [...new Set(Object.values(files).map((bytes) => bytes.buffer as ArrayBuffer))];
}
