import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainPreset, type TrainConfig } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import { openMemoryDatabase } from '../db/connection.ts';
import { listCheckpoints, listRuns } from '../db/runs.ts';
import { folderHandler } from '../models/checkpoint-folder.ts';
import { loadCheckpoint } from '../models/checkpoint.ts';
import { buildTaskModel, type TaskModel } from '../models/task-models.ts';
import { importWeights } from './import-weights.ts';
import { encodeSafetensors } from './safetensors.ts';
import { toTorchTensors } from './torch-weights.ts';

const config: TrainConfig = { ...trainPreset('clip-order', 'r3d', 'tiny'), width: 1 / 16 };
const build = (c: TrainConfig, seed: number): TaskModel => buildTaskModel(c.task, { backbone: c.backbone, width: c.width, seed, dropout: c.dropout });
const values = (model: TaskModel) => model.params.map((param) => Array.from(param.variable.dataSync()));

let work: string;
beforeAll(async () => {
  await initBackend('wasm');
  work = mkdtempSync(join(tmpdir(), 'pretext-import-weights-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));
/** The test folder as a library's cache. */
const paths = () => ({ cache: work, runs: join(work, 'runs') });

/** A PyTorch-named file of `model`'s weights, with `metadata`. */
function writeWeights(name: string, model: TaskModel, metadata: Record<string, string> = {}): string {
  const file = join(work, name);
  writeFileSync(file, encodeSafetensors(toTorchTensors(model.params), metadata));
  return file;
}

describe('importing PyTorch weights as a run', () => {
  it('takes a bundle checkpoint’s own config and step, and stores a checkpoint with exactly its weights', async () => {
    const source = build({ ...config, seed: 3 }, 3);
    const trained = { ...config, steps: 30, batchSize: 4 };
    const folder = join(work, 'checkpoints');
    mkdirSync(folder);
    writeFileSync(join(folder, 'step-0000010.safetensors'), 'an older checkpoint, never read');
    writeFileSync(join(folder, 'notes.txt'), 'not a checkpoint');
    const latest = writeWeights('checkpoints/step-0000030.safetensors', source, { config: JSON.stringify(trained), step: '30' });
    const db = openMemoryDatabase();
    const run = await importWeights(db, paths(), { file: folder, task: 'clip-order', backbone: 'r3d', preset: 'tiny' });
    expect(run).toMatchObject({ status: 'completed', config: trained, lastCheckpointStep: 30 });
    const [checkpoint] = listCheckpoints(db, run.id);
    const restored = build(trained, 99);
    const description = await loadCheckpoint(folderHandler(join(work, checkpoint?.folder as string)), { model: restored });
    expect(description).toEqual(trained);
    expect(values(restored)).toEqual(values(source));
    expect(latest).toMatch(/step-0000030/);
    source.dispose();
    restored.dispose();
  });

  it('takes the preset’s architecture for a file without a config', async () => {
    const source = build(trainPreset('clip-order', 'c3d', 'tiny'), 1);
    const db = openMemoryDatabase();
    const run = await importWeights(db, paths(), { file: writeWeights('plain.safetensors', source), task: 'clip-order', backbone: 'c3d', preset: 'tiny' });
    expect(run.config).toEqual(trainPreset('clip-order', 'c3d', 'tiny'));
    expect(listCheckpoints(db, run.id).map((checkpoint) => checkpoint.step)).toEqual([1]);
    source.dispose();
  });

  it('refuses files that do not fit, with the reason, and creates no run', async () => {
    const db = openMemoryDatabase();
    const r3d = build(config, 1);
    const withConfig = writeWeights('r3d.safetensors', r3d, { config: JSON.stringify(config) });
    const request = { task: 'clip-order', backbone: 'c3d', preset: 'tiny' } as const;
    await expect(importWeights(db, paths(), { ...request, file: withConfig })).rejects.toThrow(/holds clip-order with r3d, not clip-order with c3d/);
    await expect(importWeights(db, paths(), { ...request, file: writeWeights('r3d-plain.safetensors', r3d) })).rejects.toThrow(/lacks encoder\.conv1a\.weight/);
    const broken = writeWeights('broken.safetensors', r3d, { config: '{"task": 1}' });
    await expect(importWeights(db, paths(), { ...request, backbone: 'r3d', file: broken })).rejects.toThrow(/the file's config is not valid/);
    await expect(importWeights(db, paths(), { ...request, file: join(work, 'absent.safetensors') })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/ENOENT/) });
    const empty = join(work, 'empty');
    mkdirSync(empty);
    await expect(importWeights(db, paths(), { ...request, file: empty })).rejects.toThrow(/holds no step-N\.safetensors checkpoint/);
    const fifo = join(work, 'pipe.safetensors');
    execFileSync('mkfifo', [fifo]);
    await expect(importWeights(db, paths(), { ...request, file: fifo })).rejects.toThrow(/not a file or folder of checkpoints/);
    await expect(importWeights(db, paths(), { ...request, file: '/dev/zero' })).rejects.toThrow(/not a file or folder of checkpoints/);
    expect(listRuns(db)).toEqual([]);
    r3d.dispose();
  });
});
