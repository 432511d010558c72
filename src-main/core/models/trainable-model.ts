/**
 * The training engine's model (core/training/engine.ts `TrainableModel`) on the backend already
 * chosen: builds the task network and runs optimiser steps on pipeline batches. Checkpoints hold every
 * weight, BatchNorm's running statistics and the optimiser's slots, so a resumed run continues exactly;
 * dropout masks are seeded from (run seed, step), so they replay too. Plain web code (no Node imports):
 * the Node worker (trainable.ts) and the compute host page both build their model here.
 */
import type { TrainConfig } from '../../shared/training.ts';
import { checkBackend } from '../compute/backend-check.ts';
import * as tf from '../compute/tf.ts';
import { EVALUATION } from './blocks.ts';
import type { ItemBatch } from '../frames/pipeline.ts';
import { createRng } from '../tasks/rng.ts';
import type { TrainableModel } from '../training/engine.ts';
import { checkpointArtifacts, checkpointArtifactsOf, checkpointFiles, loadCheckpoint, loadEncoderWeights, type CheckpointFiles } from './checkpoint.ts';
import { buildFinetuneModel, buildTaskModel, type TaskModel } from './task-models.ts';
import { createAdam } from './adam.ts';
import type { Optimizer } from './optimizer.ts';
import { createMomentumSgd } from './sgd.ts';
import { averageParts, partSeed, splitBatch, type GradientPeers } from './data-parallel.ts';
import { applyAverage, evaluateStep, partGradients, trainStep, type PartGradients, type ReplicaUpdate, type StepResult } from './train-step.ts';
import { batchTensors, type BatchTensors, type PackedBatch } from './tuple-input.ts';

/** Runs one step on `batch`; a deferred backend error (WebGPU) fails the step, never a later one. */
async function withBatch<R>(model: TaskModel, batch: PackedBatch, run: (tensors: BatchTensors) => Promise<R>): Promise<R> {
  const tensors = batchTensors(batch, model.tupleShape);
  try {
    const result = await run(tensors);
    await checkBackend();
    return result;
  } finally {
    tf.dispose([tensors.inputs, tensors.labels]);
  }
}

/** A step's dropout seed, from the run's seed and the step, so that a resumed run draws the same masks. */
export function dropoutSeed(runSeed: number, step: number): number {
  return createRng(`${runSeed}/dropout/${step}`).int(0, 2 ** 31 - 1);
}

function createOptimizer(config: TrainConfig): Optimizer {
  return config.optimizer === 'adam' ? createAdam(config) : createMomentumSgd(config);
}

/** The run's task network with its seeded initial weights (every replica builds the same). */
function taskNetworkOf(config: TrainConfig): TaskModel {
  return buildTaskModel(config.task, { backbone: config.backbone, width: config.width, seed: config.seed, dropout: config.dropout });
}

/** One replica of a data-parallel run: its part's gradients, the common update, the run's checkpoint. */
export interface Replica {
  gradients(part: PackedBatch, seed: number): Promise<PartGradients>;
  apply(average: ReplicaUpdate): void;
  load(files: CheckpointFiles): Promise<void>;
  dispose(): void;
}

/** The run's task network and optimiser as a replica (a peer thread's; the seeded weights match the run's). */
export function buildReplica(config: TrainConfig): Replica {
  const model = taskNetworkOf(config);
  const optimizer = createOptimizer(config);
  return {
    gradients: (part, seed) => withBatch(model, part, (tensors) => partGradients(model, tensors, { seed })),
    apply: (average) => applyAverage(model, optimizer, average),
    load: async (files) => {
      await loadCheckpoint({ load: async () => checkpointArtifactsOf(files) }, { model, optimizer, description: config });
    },
    dispose: () => {
      model.dispose();
      optimizer.dispose();
    },
  };
}

/** One step with the batch shared among the run's model (first part) and its peers; every copy applies the average. */
async function dataParallelStep(model: TaskModel, optimizer: Optimizer, peers: GradientPeers, batch: PackedBatch, config: TrainConfig): Promise<StepResult> {
  const parts = splitBatch(batch, peers.count + 1);
  const [own, ...others] = parts as [PackedBatch, ...PackedBatch[]];
  const seed = dropoutSeed(config.seed, optimizer.iterations);
  // The peers' parts are sent first: the own part's forward and backward pass blocks this thread until
  // it is done. Awaited together, so a peer failing meanwhile is handled, never left unhandled.
  const remote = peers.gradients(others, others.map((_part, index) => partSeed(seed, index + 1)));
  const [peerParts, local] = await Promise.all([
    remote,
    withBatch(model, own, (tensors) => partGradients(model, tensors, { seed })),
  ]);
  const average = averageParts([local, ...peerParts], parts.map((part) => part.labels.length));
  peers.apply(average);
  applyAverage(model, optimizer, average);
  return { loss: average.loss, accuracy: average.accuracy };
}

/**
 * The run's network on tfjs's current backend, which is `backend`; with `peers`, each step's batch is
 * shared with them (data parallel, data-parallel.ts).
 */
export function buildTrainableModel(config: TrainConfig, backend: string, peers?: GradientPeers): TrainableModel & { network: TaskModel } {
  const model = taskNetworkOf(config);
  return trainableModelOf(model, config, backend, peers);
}

/** `model` trained with the run's optimiser and schedule (a task network, or a fine-tune network). */
export function trainableModelOf(model: TaskModel, config: TrainConfig, backend: string, peers?: GradientPeers): TrainableModel & { network: TaskModel } {
  const optimizer = createOptimizer(config);
  const parts = { model, optimizer, description: config };
  return {
    backend,
    network: model,
    trainStep: (batch) =>
      peers
        ? dataParallelStep(model, optimizer, peers, batch, config)
        : withBatch(model, batch, (tensors) =>
            trainStep(model, optimizer, tensors, { seed: dropoutSeed(config.seed, optimizer.iterations) }),
          ),
    evaluate: (batch) => withBatch(model, batch, (tensors) => evaluateStep(model, tensors)),
    features: (batch) =>
      withBatch(model, batch, async (tensors) => {
        const features = tf.tidy(() => model.elementFeatures(tensors.inputs, EVALUATION));
        try {
          return { values: (await features.data()) as Float32Array, size: features.shape[1] };
        } finally {
          features.dispose();
        }
      }),
    save: async () => checkpointFiles(await checkpointArtifacts(parts)),
    load: async (files) => {
      await loadCheckpoint({ load: async () => checkpointArtifactsOf(files) }, parts);
      await peers?.load(files);
    },
    dispose: () => {
      peers?.dispose();
      model.dispose();
      optimizer.dispose();
    },
  };
}

/** Fine-tuning's model: the engine's model, plus the parent's encoder to start from and class probabilities to test with. */
export interface FinetuneTrainableModel extends TrainableModel {
  /** Loads a pretext checkpoint's encoder weights (a fresh run; a resume loads its own checkpoint). */
  loadEncoder(files: CheckpointFiles): Promise<void>;
  /** Softmax probabilities, [items, classes] row-major, without dropout and with running statistics. */
  probabilities(batch: ItemBatch): Promise<Float32Array>;
}

/** The parent's encoder with a new classifier over `classes`, trained with the fine-tune schedule in `config`. */
export function buildFinetuneTrainableModel(config: TrainConfig, classes: number, backend: string): FinetuneTrainableModel {
  const network = buildFinetuneModel(config.task, { backbone: config.backbone, width: config.width, seed: config.seed, dropout: config.dropout }, classes);
  const trainable = trainableModelOf(network, config, backend);
  return {
    ...trainable,
    loadEncoder: async (files) => {
      await loadEncoderWeights({ load: async () => checkpointArtifactsOf(files) }, network.params);
    },
    probabilities: (batch) =>
      withBatch(network, batch, async (tensors) => {
        const probabilities = tf.tidy(() => tf.softmax(network.apply(tensors.inputs, EVALUATION)));
        try {
          return (await probabilities.data()) as Float32Array;
        } finally {
          probabilities.dispose();
        }
      }),
  };
}
