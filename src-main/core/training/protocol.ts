/** Messages between the training service and its worker thread (jobs/worker-job.ts adds cancel and 'failed'). */
import type { MetricPoint, ProbePoint } from '../../shared/dto.ts';
import type { TrainConfig } from '../../shared/training.ts';
import type { LoaderSetup } from '../frames/loader-protocol.ts';
import type { PipelineVideo } from '../frames/pipeline.ts';
import type { TrainingOutcome, TrainingProgressInfo } from './engine.ts';

/** The run to train, and (from LoaderSetup) how its frames are read. */
export interface WorkerStart extends LoaderSetup {
  config: TrainConfig;
  startStep: number;
  /** Checkpoint folder to load before training; null for a fresh start. */
  resumeFrom: string | null;
  train: PipelineVideo[];
  validation: PipelineVideo[];
  /** Checkpoints go to `${checkpointRoot}/step-<n>`. */
  checkpointRoot: string;
}

export type FromWorker =
  | { type: 'backend'; backend: string }
  | { type: 'metrics'; points: MetricPoint[] }
  | { type: 'probe'; probe: ProbePoint }
  | { type: 'checkpoint'; step: number; folder: string; validationAccuracy: number | null }
  | { type: 'progress'; info: TrainingProgressInfo }
  | { type: 'done'; outcome: TrainingOutcome };
