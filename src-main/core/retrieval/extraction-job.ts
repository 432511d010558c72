/**
 * One extraction job, wherever it runs (the worker thread, the compute host page): the encoder built
 * from the start's config and weights on the current tfjs backend, every video's features posted as
 * they are made. Plain code: the frames come from `source`, the checkpoint from `checkpoint`.
 */
import type * as tf from '../compute/tf.ts';
import type { FrameSource, VideoRef } from '../frames/frame-source.ts';
import { loadCheckpoint } from '../models/checkpoint.ts';
import { buildTaskModel } from '../models/task-models.ts';
import type { FeatureProtocol } from '../../shared/dto.ts';
import type { TrainConfig } from '../../shared/training.ts';
import { extractFeatures } from './extract.ts';
import { extractionPlan } from './feature-protocol.ts';
import type { FromExtractionWorker } from './protocol.ts';

export interface ExtractionJob {
  config: TrainConfig;
  protocol: FeatureProtocol;
  videos: { ref: VideoRef; contentHash: string | null }[];
  /** The trained weights, or null for a random init of `seed`. */
  checkpoint: tf.io.IOHandler | null;
  seed: number;
  source: FrameSource;
}

/** Resolves with the job's last message ('done'), for the caller to post once it has cleaned up too. */
export async function runExtractionJob(job: ExtractionJob, signal: AbortSignal, post: (message: FromExtractionWorker) => void): Promise<FromExtractionWorker> {
  const { config } = job;
  const model = buildTaskModel(config.task, { backbone: config.backbone, width: config.width, seed: job.seed, dropout: config.dropout });
  try {
    if (job.checkpoint) await loadCheckpoint(job.checkpoint, { model });
    const finished = await extractFeatures({
      network: model,
      plan: extractionPlan(config, job.protocol),
      source: job.source,
      videos: job.videos,
      onVideo: (features) => post({ type: 'video', features }),
      onFailure: (videoId, reason) => post({ type: 'video-failed', videoId, reason }),
      signal,
    });
    return { type: 'done', cancelled: !finished };
  } finally {
    model.dispose();
  }
}
