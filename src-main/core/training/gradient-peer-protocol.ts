/** What the training thread and a data-parallel replica thread (gradient-peer-worker.ts) say to each other. */
import type { TrainConfig } from '../../shared/training.ts';
import type { ConcreteBackend } from '../compute/backend.ts';
import type { CheckpointFiles } from '../models/checkpoint.ts';
import type { PartGradients, ReplicaUpdate } from '../models/train-step.ts';
import type { PackedBatch } from '../models/tuple-input.ts';

/** Requests are handled in order; every one but 'apply' is answered, in order. */
export type ToPeer =
  | { type: 'start'; config: TrainConfig; backend: ConcreteBackend }
  | { type: 'gradients'; part: PackedBatch; seed: number }
  | { type: 'apply'; average: ReplicaUpdate }
  | { type: 'load'; files: CheckpointFiles };

export type FromPeer =
  | { type: 'ready' }
  | { type: 'gradients'; result: PartGradients }
  | { type: 'loaded' }
  /** The replica cannot go on (its weights may no longer match the run's): every later request fails too. */
  | { type: 'failed'; message: string };
