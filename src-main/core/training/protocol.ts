/**
 * Messages between the training service and its worker: a Node worker thread, or the compute host page
 * (host-protocol.ts adds what the page asks of main; jobs/worker-job.ts adds cancel and 'failed').
 */
import type { FinetuneAccuracy, MetricPoint, ProbePoint } from '../../shared/dto.ts';
import type { TrainConfig } from '../../shared/training.ts';
import type { JobPort } from '../jobs/job-port.ts';
import type { LoaderSetup } from '../frames/loader-protocol.ts';
import type { PipelineVideo } from '../frames/pipeline.ts';
import type { TrainingCallbacks, TrainingOutcome, TrainingProgressInfo } from './engine.ts';
import type { VideoLabel } from './online-knn.ts';

/** The run to train, and (from LoaderSetup) how its frames are read. */
export interface WorkerStart extends LoaderSetup {
  config: TrainConfig;
  startStep: number;
  /** Checkpoint folder to load before training; null for a fresh start. */
  resumeFrom: string | null;
  train: PipelineVideo[];
  validation: PipelineVideo[];
  /** Labels of the labelled videos, for the online kNN (engine.ts). */
  labels: VideoLabel[];
  /** Checkpoints go to `${checkpointRoot}/step-<n>`. */
  checkpointRoot: string;
  /** A fine-tune run: `train` and `validation` are its labelled train and test videos. */
  finetune?: FinetuneStart;
}

/** What a fine-tune run adds to its start (finetune-batches.ts). */
export interface FinetuneStart {
  /** [video id, class index] of every train and test video. */
  labels: [number, number][];
  classes: number;
  /** The parent checkpoint's folder: its encoder starts a fresh run (a resume loads `resumeFrom`); null: random init. */
  parentCheckpoint: string | null;
  /** Clips per test video at the end. */
  testClips: number;
}

export type FromWorker =
  | { type: 'backend'; backend: string }
  | { type: 'metrics'; points: MetricPoint[] }
  | { type: 'probe'; probe: ProbePoint }
  | { type: 'checkpoint'; step: number; folder: string; validationAccuracy: number | null }
  | { type: 'progress'; info: TrainingProgressInfo }
  /** A fine-tune run's final test, before its 'done'. */
  | { type: 'tested'; accuracy: FinetuneAccuracy }
  | { type: 'done'; outcome: TrainingOutcome };

/**
 * Opens the worker a run trains in, speaking this protocol: a worker thread by default; in the
 * desktop app, the compute host page for WebGPU runs (host-bridge.ts).
 */
export type TrainingWorker = (config: TrainConfig) => JobPort;

/** The engine's callbacks as messages to the service, the same from a worker thread and from the page. */
export function postingCallbacks(post: (message: FromWorker) => void): TrainingCallbacks {
  return {
    onMetrics: (points) => post({ type: 'metrics', points }),
    onCheckpoint: (checkpoint) => post({ type: 'checkpoint', ...checkpoint }),
    onProbe: (probe) => post({ type: 'probe', probe }),
    onProgress: (info) => post({ type: 'progress', info }),
  };
}
