/** Messages between the training service and its worker thread: one typed union each way. */
import type { MetricPoint, ProbePoint } from '../../shared/dto.ts';
import type { TrainConfig } from '../../shared/training.ts';
import type { PipelineVideo } from '../frames/pipeline.ts';
import type { MediaTools } from '../media/tools.ts';
import type { TrainingOutcome, TrainingProgressInfo } from './engine.ts';

export interface WorkerStart {
  config: TrainConfig;
  startStep: number;
  /** Checkpoint folder to load before training; null for a fresh start. */
  resumeFrom: string | null;
  train: PipelineVideo[];
  validation: PipelineVideo[];
  tools: MediaTools;
  frameCacheFolder: string;
  frameCacheBytes: number;
  /** Checkpoints go to `${checkpointRoot}/step-<n>`. */
  checkpointRoot: string;
}

export type FromWorker =
  | { type: 'backend'; backend: string }
  | { type: 'metrics'; points: MetricPoint[] }
  | { type: 'probe'; probe: ProbePoint }
  | { type: 'checkpoint'; step: number; folder: string; validationAccuracy: number | null }
  | { type: 'progress'; info: TrainingProgressInfo }
  | { type: 'done'; outcome: TrainingOutcome }
  | { type: 'failed'; message: string };
