/**
 * A PyTorch checkpoint (safetensors, e.g. from an exported bundle's train.py) imported as a run: its
 * weights mapped onto our task model (torch-weights.ts) and saved as an ordinary checkpoint, so the
 * run extracts features, retrieves and evaluates like any other.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ApiError } from '../../shared/errors.ts';
import type { RunDto } from '../../shared/dto.ts';
import type { PresetName, TaskId } from '../../shared/tasks.ts';
import { trainConfigSchema, trainPreset, type Backbone, type TrainConfig } from '../../shared/training.ts';
import type { WritableDB } from '../db/connection.ts';
import { createRun, getRun, recordCheckpoint, setRunStatus } from '../db/runs.ts';
import { folderHandler } from '../models/checkpoint-folder.ts';
import { saveCheckpoint } from '../models/checkpoint.ts';
import { buildTaskModel } from '../models/task-models.ts';
import { decodeSafetensors } from './safetensors.ts';
import { assignTorchTensors } from './torch-weights.ts';

export interface ImportWeightsRequest {
  /** A .safetensors file, or a folder of them (a bundle's checkpoints/): its latest step is taken. */
  file: string;
  task: TaskId;
  backbone: Backbone;
  /** The architecture when the file does not carry its config (bundle checkpoints do). */
  preset: PresetName;
}

/**
 * The preset's config with what a converted checkpoint states of its architecture (the bundle's
 * convert_vcop_checkpoint.py writes backbone, width and clips), checked against the request.
 */
function presetConfig(metadata: Record<string, string>, request: ImportWeightsRequest): TrainConfig {
  const preset = trainPreset(request.task, request.backbone, request.preset);
  if (metadata.backbone !== undefined && metadata.backbone !== request.backbone) {
    throw new ApiError('INVALID_INPUT', `the file holds a ${metadata.backbone} network, not ${request.backbone}.`);
  }
  const width = metadata.width === undefined ? preset.width : Number(metadata.width);
  const task = metadata.clips === undefined ? preset.task : { ...preset.task, clips: Number(metadata.clips) };
  const parsed = trainConfigSchema.safeParse({ ...preset, width, task });
  if (!parsed.success) throw new ApiError('INVALID_INPUT', `the file's architecture does not fit the ${request.preset} preset: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The file's own config (a bundle checkpoint's metadata), checked against the request, or the preset's. */
function importConfig(metadata: Record<string, string>, request: ImportWeightsRequest): TrainConfig {
  if (!metadata.config) return presetConfig(metadata, request);
  const parsed = trainConfigSchema.safeParse(JSON.parse(metadata.config));
  if (!parsed.success) throw new ApiError('INVALID_INPUT', `the file's config is not valid: ${parsed.error.issues[0]?.message}`);
  const config = parsed.data;
  if (config.task.task !== request.task || config.backbone !== request.backbone) {
    throw new ApiError('INVALID_INPUT', `the file holds ${config.task.task} with ${config.backbone}, not ${request.task} with ${request.backbone}.`);
  }
  return config;
}

/** `path` itself, or the checkpoint of the highest step in the folder `path` (train.py's step-NNNNNNN.safetensors). */
async function checkpointFile(path: string): Promise<string> {
  const found = await stat(path);
  // Only regular files are read: a FIFO would hang the read, /dev/zero would never end it.
  if (found.isFile()) return path;
  if (!found.isDirectory()) throw new Error('not a file or folder of checkpoints');
  const steps = (await readdir(path))
    .map((name) => ({ name, step: /^step-(\d+)\.safetensors$/.exec(name)?.[1] }))
    .filter((entry): entry is { name: string; step: string } => entry.step !== undefined)
    .sort((a, b) => Number(b.step) - Number(a.step));
  if (!steps[0]) throw new Error('the folder holds no step-N.safetensors checkpoint');
  return checkpointFile(join(path, steps[0].name));
}

/**
 * The checkpoint goes where training puts one: under `paths.runs`, recorded relative to `paths.cache`
 * (the library's LibraryPaths). `own` records the new run's owner in the same transaction
 * (JobOwnership.own), so another process never sees it running without one while its checkpoint is written.
 */
export async function importWeights(
  db: WritableDB,
  paths: { cache: string; runs: string },
  request: ImportWeightsRequest,
  own: (create: () => RunDto) => RunDto = (create) => create(),
): Promise<RunDto> {
  let file;
  let source = request.file;
  try {
    source = await checkpointFile(request.file);
    file = decodeSafetensors(await readFile(source));
  } catch (error) {
    throw new ApiError('INVALID_INPUT', `${request.file}: ${(error as Error).message}`);
  }
  const config = importConfig(file.metadata, request);
  // A file from elsewhere does not say how far it was trained: its one checkpoint is step 1.
  const step = Math.max(1, Number(file.metadata.step ?? 1));
  const model = buildTaskModel(config.task, { backbone: config.backbone, width: config.width, seed: config.seed, dropout: config.dropout });
  try {
    try {
      assignTorchTensors(model.params, file.tensors);
    } catch (error) {
      throw new ApiError('INVALID_INPUT', `${source}: ${(error as Error).message}`);
    }
    const run = own(() => createRun(db, config));
    const folder = resolve(paths.runs, String(run.id), `step-${step}`);
    // Written beside and renamed into place, as training writes checkpoints.
    const temp = `${folder}.tmp`;
    try {
      await mkdir(temp, { recursive: true });
      await saveCheckpoint(folderHandler(temp), { model, description: config });
      await writeFile(join(temp, 'checkpoint.json'), JSON.stringify({ step, validationAccuracy: null, config, importedFrom: source }));
      await rename(temp, folder);
      recordCheckpoint(db, run.id, { step, folder: relative(paths.cache, folder), validationAccuracy: null });
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      setRunStatus(db, run.id, 'failed', { error: `import failed: ${(error as Error).message}` });
      throw error;
    }
    setRunStatus(db, run.id, 'completed', { backend: 'pytorch (imported)' });
    return getRun(db, run.id) as RunDto;
  } finally {
    model.dispose();
  }
}
