/** Messages between the services and their retrieval worker threads (jobs/worker-job.ts adds cancel and 'failed'). */
import type { FeatureProtocol, Projection } from '../../shared/dto.ts';
import type { TrainConfig } from '../../shared/training.ts';
import type { VideoFeatures } from '../db/features.ts';
import type { VideoRef } from '../frames/frame-source.ts';
import type { LoaderSetup } from '../frames/loader-protocol.ts';
import type { ProbeResult } from './linear-probe.ts';

export type ExtractionWeights = { kind: 'checkpoint'; folder: string } | { kind: 'random'; seed: number };

/** The videos to encode and the weights, and (from LoaderSetup) how their frames are read. */
export interface ExtractionStart extends LoaderSetup {
  /** The architecture and input (frame size, crop) of the encoder. */
  config: TrainConfig;
  weights: ExtractionWeights;
  videos: { ref: VideoRef; contentHash: string | null }[];
  /** The worker derives decode size, crop, clips and pooling from it (feature-protocol.ts). */
  protocol: FeatureProtocol;
}

export type FromExtractionWorker =
  | { type: 'backend'; backend: string }
  | { type: 'video'; features: VideoFeatures }
  | { type: 'video-failed'; videoId: number; reason: string }
  | { type: 'done'; cancelled: boolean };

/** An embedding map to compute: rows of unit vectors, row-major. */
export interface ProjectionStart {
  vectors: Float32Array;
  dimension: number;
  projection: Projection;
  seed: number;
}

export type FromProjectionWorker =
  /** x0, y0, x1, y1, … in row order. */
  | { type: 'done'; xy: Float32Array };

/** A linear probe to fit: rows of vectors (row-major) with their labels, train then test. */
export interface LinearProbeStart {
  dimension: number;
  train: { keys: number[]; labels: string[]; vectors: Float32Array };
  test: { keys: number[]; labels: string[]; vectors: Float32Array };
  seed: number;
}

export type FromLinearProbeWorker =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; result: ProbeResult };
