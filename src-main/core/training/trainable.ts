/** The training worker's model: the compute backend the run asks for, then the task network on it. */
import type { TrainConfig } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import type { TrainableModel } from './engine.ts';
import { startGradientPeers } from './gradient-peers.ts';
import { buildFinetuneTrainableModel, buildTrainableModel, type FinetuneTrainableModel } from '../models/trainable-model.ts';

/** Backends that compute on one CPU core, so replicas in other threads add cores. */
const ONE_CORE_BACKENDS: ReadonlySet<string> = new Set(['wasm', 'cpu']);

export async function createTrainableModel(config: TrainConfig): Promise<TrainableModel> {
  const { backend, choice } = await initBackend(config.backend);
  const peers = config.replicas > 1 && ONE_CORE_BACKENDS.has(choice) ? await startGradientPeers(config, choice, config.replicas - 1) : undefined;
  return buildTrainableModel(config, backend, peers);
}

export async function createFinetuneTrainableModel(config: TrainConfig, classes: number): Promise<FinetuneTrainableModel> {
  const { backend } = await initBackend(config.backend);
  return buildFinetuneTrainableModel(config, classes, backend);
}
