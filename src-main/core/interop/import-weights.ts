/**
 * A PyTorch checkpoint (safetensors, e.g. from an exported bundle's train.py) imported as a run: its
 * weights mapped onto our task model (torch-weights.ts) and saved as an ordinary checkpoint, so the
 * run extracts features, retrieves and evaluates like any other.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ApiError } from '../../shared/errors.ts';
import type { RunDto } from '../../shared/dto.ts';
import type { PresetName, TaskId } from '../../shared/tasks.ts';
import { trainConfigSchema, trainPreset, type Backbone, type TrainConfig } from '../../shared/training.ts';
import type { WritableDB } from '../db/connection.ts';
import { createRun, getRun, recordCheckpoint, setRunStatus } from '../db/runs.ts';
import { folderHandler, saveCheckpoint } from '../models/checkpoint.ts';
import { buildTaskModel } from '../models/task-models.ts';
import { decodeSafetensors } from './safetensors.ts';
import { assignTorchTensors } from './torch-weights.ts';

export interface ImportWeightsRequest {
  file: string;
  task: TaskId;
  backbone: Backbone;
  /** The architecture when the file does not carry its config (bundle checkpoints do). */
  preset: PresetName;
}

/** The file's own config (a bundle checkpoint's metadata), checked against the request, or the preset's. */
function importConfig(metadata: Record<string, string>, request: ImportWeightsRequest): TrainConfig {
  if (!metadata.config) return trainPreset(request.task, request.backbone, request.preset);
  const parsed = trainConfigSchema.safeParse(JSON.parse(metadata.config));
  if (!parsed.success) throw new ApiError('INVALID_INPUT', `the file's config is not valid: ${parsed.error.issues[0]?.message}`);
  const config = parsed.data;
  if (config.task.task !== request.task || config.backbone !== request.backbone) {
    throw new ApiError('INVALID_INPUT', `the file holds ${config.task.task} with ${config.backbone}, not ${request.task} with ${request.backbone}.`);
  }
  return config;
}

export async function importWeights(db: WritableDB, cacheDir: string, request: ImportWeightsRequest): Promise<RunDto> {
  let file;
  try {
    file = decodeSafetensors(await readFile(request.file));
  } catch (error) {
    throw new ApiError('INVALID_INPUT', `${request.file}: ${(error as Error).message}`);
  }
  const config = importConfig(file.metadata, request);
  const step = Number(file.metadata.step ?? 0);
  const model = buildTaskModel(config.task, { backbone: config.backbone, width: config.width, seed: config.seed, dropout: config.dropout });
  try {
    try {
      assignTorchTensors(model.params, file.tensors);
    } catch (error) {
      throw new ApiError('INVALID_INPUT', `${request.file}: ${(error as Error).message}`);
    }
    const run = createRun(db, config);
    const folder = resolve(cacheDir, 'runs', String(run.id), `step-${step}`);
    // Written beside and renamed into place, as training writes checkpoints.
    const temp = `${folder}.tmp`;
    try {
      await mkdir(temp, { recursive: true });
      await saveCheckpoint(folderHandler(temp), { model, description: config });
      await writeFile(join(temp, 'checkpoint.json'), JSON.stringify({ step, validationAccuracy: null, config, importedFrom: request.file }));
      await rename(temp, folder);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      setRunStatus(db, run.id, 'failed', { error: `import failed: ${(error as Error).message}` });
      throw error;
    }
    recordCheckpoint(db, run.id, { step, folder: relative(cacheDir, folder), validationAccuracy: null });
    setRunStatus(db, run.id, 'completed', { backend: 'pytorch (imported)' });
    return getRun(db, run.id) as RunDto;
  } finally {
    model.dispose();
  }
}
