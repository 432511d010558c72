/** The training worker's model: the compute backend the run asks for, then the task network on it. */
import type { TrainConfig } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import type { TrainableModel } from '../training/engine.ts';
import { buildFinetuneTrainableModel, buildTrainableModel, type FinetuneTrainableModel } from './trainable-model.ts';

export async function createTrainableModel(config: TrainConfig): Promise<TrainableModel> {
  const { backend } = await initBackend(config.backend);
  return buildTrainableModel(config, backend);
}

export async function createFinetuneTrainableModel(config: TrainConfig, classes: number): Promise<FinetuneTrainableModel> {
  const { backend } = await initBackend(config.backend);
  return buildFinetuneTrainableModel(config, classes, backend);
}
