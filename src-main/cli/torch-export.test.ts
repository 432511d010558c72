/**
 * The way out to a cluster and back, as a user runs it, for VCOP and each frame task: a run of a
 * generated library exported as a bundle (`pretext export-run`), trained by two processes under
 * `torchrun --nproc_per_node=2` (gloo on CPU) for a few steps, its safetensors checkpoint imported as
 * a run (`pretext import-weights`) that extracts features; and the same input gives the same
 * features through our encoder with the imported checkpoint and through PyTorch with the trained one. Needs Python with
 * torch and numpy and torchrun (Debian: python3-torch); skipped with the reason otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDto } from '../shared/dto.ts';
import { initBackend } from '../core/compute/backend.ts';
import * as tf from '../core/compute/tf.ts';
import { pythonWith } from '../core/interop/test-support.ts';
import { cacheDirFor } from '../core/library/library-files.ts';
import { EVALUATION } from '../core/models/blocks.ts';
import { folderHandler } from '../core/models/checkpoint-folder.ts';
import { loadCheckpoint } from '../core/models/checkpoint.ts';
import { buildTaskModel } from '../core/models/task-models.ts';
import { createRng } from '../core/tasks/rng.ts';
import { demoLibrary, pretext } from './test-support.ts';

const { python, why: noPython } = pythonWith(['torch', 'numpy']);

/** torchrun: $TORCHRUN, on PATH, or Debian's /usr/bin/torchrun. */
function findTorchrun(): string | null {
  const candidates = [process.env.TORCHRUN, 'torchrun', '/usr/bin/torchrun'].filter((name): name is string => Boolean(name));
  return candidates.find((name) => spawnSync(name, ['--help'], { stdio: 'ignore' }).status === 0) ?? null;
}
const torchrun = python ? findTorchrun() : null;
const skipWhy = !python ? noPython : !torchrun ? 'no torchrun ($TORCHRUN, PATH, /usr/bin/torchrun)' : '';
if (skipWhy) console.warn(`torchrun bundle round trip skipped: ${skipWhy}`);

let work: string;
let library: string;
beforeAll(async () => {
  if (skipWhy) return;
  await initBackend('wasm');
  ({ work, library } = demoLibrary('pretext-torch-export-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function json<T>(result: ReturnType<typeof pretext>): T {
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** `torchrun --nproc_per_node=2 train.py` on a bundle for `steps` steps of 4 tuples: its loss lines. */
function trainUnderTorchrun(bundle: string, out: string, steps: number): number[] {
  // --redirects/--tee 2: Debian bookworm's torchrun (torch 1.13 on Python 3.11) fails on their default "0".
  const trained = spawnSync(
    torchrun as string,
    ['--redirects', '2', '--tee', '2', '--nproc_per_node=2', join(bundle, 'train.py'), '--steps', String(steps), '--batch-size', '4', '--checkpoint-every', String(steps), '--out', out],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
  );
  expect(trained.status, trained.stderr).toBe(0);
  return trained.stdout.split('\n').filter((line) => line.includes('"loss"')).map((line) => (JSON.parse(line) as { loss: number }).loss);
}

/** The same inputs through our encoder with the imported run's checkpoint and through PyTorch with the trained one (features.py). */
async function expectSameFeatures(imported: RunDto, checkpoint: string, bundle: string): Promise<void> {
  const config = imported.config;
  const model = buildTaskModel(config.task, { backbone: config.backbone, width: config.width, seed: 1, dropout: config.dropout });
  await loadCheckpoint(folderHandler(join(cacheDirFor(library), 'runs', String(imported.id), `step-${imported.lastCheckpointStep}`)), { model });
  const shape = [2, ...model.encoder.inputShape];
  const rng = createRng('torch-clip');
  const pixels = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next());
  const ours = tf.tidy(() => model.encoder.apply(tf.tensor(pixels, shape), EVALUATION).arraySync());
  model.dispose();
  const check = mkdtempSync(join(work, 'check-'));
  writeFileSync(join(check, 'inputs.f32'), Buffer.from(pixels.buffer));
  const script = spawnSync(
    python as string,
    [join(bundle, 'features.py'), checkpoint, join(check, 'inputs.f32'), '--shape', ...shape.map(String), '--out', join(check, 'torch.json')],
    { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
  );
  expect(script.status, script.stderr).toBe(0);
  const theirs = (JSON.parse(readFileSync(join(check, 'torch.json'), 'utf8')) as number[][]).flat();
  const scale = Math.max(...theirs.map(Math.abs));
  expect(scale).toBeGreaterThan(0);
  expect(theirs).toHaveLength(ours.flat().length);
  ours.flat().forEach((value, index) => expect(Math.abs(value - (theirs[index] as number))).toBeLessThan(1e-4 * Math.max(1, scale)));
}

describe.skipIf(Boolean(skipWhy))('export a run, train it under torchrun, import it back', () => {
  it('round-trips a clip-order C3D run through PyTorch DDP on two processes', async () => {
    const run = json<{ run: RunDto }>(pretext('train', '--task', 'clip-order', '--backbone', 'c3d', '--preset', 'tiny', '--steps', '1', '--backend', 'wasm', '--library', library, '--json')).run;

    const bundle = join(work, 'bundle');
    const exported = json<{ trainVideos: number; validationVideos: number; roots: string[] }>(
      pretext('export-run', '--run', String(run.id), '--out', bundle, '--library', library, '--json'),
    );
    expect(exported.trainVideos + exported.validationVideos).toBe(16);
    const runFile = JSON.parse(readFileSync(join(bundle, 'run.json'), 'utf8')) as { config: unknown; sampler: { framesNeeded: number }; motionGrid: unknown };
    expect(runFile.config).toEqual(run.config);
    expect(runFile.sampler.framesNeeded).toBe(3 * 4 + 2 * 2);
    // VCOP samples uniformly: no motion to carry.
    expect(runFile.motionGrid).toBeNull();
    expect(existsSync(join(bundle, 'motion'))).toBe(false);
    const rows = readFileSync(join(bundle, 'videos.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
    expect(rows.filter((row) => row[1] === 'train')).toHaveLength(exported.trainVideos);
    for (const row of rows) expect(existsSync(join(exported.roots[Number(row[2])] as string, row[3] as string))).toBe(true);

    // Exporting again into the same folder would mix two bundles: refused, nothing touched.
    const again = pretext('export-run', '--run', String(run.id), '--out', bundle, '--library', library, '--json');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/is not empty; export into a new folder/);

    const out = join(work, 'torch-out');
    const losses = trainUnderTorchrun(bundle, out, 3);
    expect(losses).toHaveLength(3);
    // Three steps of six orders from a near-zero classifier: close to chance loss, ln 6.
    for (const loss of losses) expect(Math.abs(loss - Math.log(6))).toBeLessThan(0.5);
    const checkpoint = join(out, 'checkpoints', 'step-0000003.safetensors');

    const imported = json<RunDto>(pretext('import-weights', checkpoint, '--task', 'clip-order', '--backbone', 'c3d', '--library', library, '--json'));
    expect(imported).toMatchObject({ status: 'completed', backbone: 'c3d', lastCheckpointStep: 3 });
    expect(imported.config).toMatchObject({ ...run.config, steps: 3, batchSize: 4, checkpointEvery: 3 });
    const wrongBackbone = pretext('import-weights', checkpoint, '--task', 'clip-order', '--backbone', 'r3d', '--library', library);
    expect(wrongBackbone.stderr).toMatch(/holds clip-order with c3d, not clip-order with r3d/);
    const garbage = join(work, 'garbage.safetensors');
    writeFileSync(garbage, 'not a checkpoint at all');
    expect(pretext('import-weights', garbage, '--task', 'clip-order', '--backbone', 'c3d', '--library', library).stderr).toMatch(/not a safetensors file/);

    const features = json<{ status: string; videoCount: number }>(pretext('extract', '--run', String(imported.id), '--backend', 'wasm', '--library', library, '--json'));
    expect(features).toMatchObject({ status: 'ready', videoCount: 16 });
    await expectSameFeatures(imported, checkpoint, bundle);
  }, 240_000);

  // One frame task, OPN (motion-aware patch, jitter, flip, channel split): the three share the data path
  // and encoder, and torch-sampling.test.ts / torch-weights.test.ts check each one's tuples and network.
  it('round-trips a sequence-sorting run (AlexNet-style encoder) the same way', async () => {
    const task = 'sequence-sorting';
    const run = json<{ run: RunDto }>(pretext('train', '--task', task, '--backbone', 'alexnet', '--preset', 'tiny', '--steps', '1', '--backend', 'wasm', '--library', library, '--json')).run;
    const bundle = join(work, `bundle-${task}`);
    const exported = json<{ trainVideos: number; validationVideos: number }>(pretext('export-run', '--run', String(run.id), '--out', bundle, '--library', library, '--json'));
    const runFile = JSON.parse(readFileSync(join(bundle, 'run.json'), 'utf8')) as { motionGrid: { rows: number; cols: number }; stepsPerEpoch: number };
    expect(runFile.stepsPerEpoch).toBeGreaterThan(0);
    const rows = readFileSync(join(bundle, 'videos.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
    expect(rows).toHaveLength(exported.trainVideos + exported.validationVideos);
    for (const row of rows) {
      const floats = statSync(join(bundle, 'motion', `${row[0]}.f32`)).size / 4;
      expect(floats).toBe(Number(row[4]) * (1 + runFile.motionGrid.rows * runFile.motionGrid.cols));
    }

    const out = join(work, `torch-out-${task}`);
    const losses = trainUnderTorchrun(bundle, out, 2);
    expect(losses).toHaveLength(2);
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    const checkpoint = join(out, 'checkpoints');
    const imported = json<RunDto>(pretext('import-weights', checkpoint, '--task', task, '--backbone', 'alexnet', '--library', library, '--json'));
    expect(imported).toMatchObject({ status: 'completed', backbone: 'alexnet', lastCheckpointStep: 2 });
    expect(imported.config).toMatchObject({ ...run.config, steps: 2, batchSize: 4, checkpointEvery: 2 });
    const features = json<{ status: string; videoCount: number }>(pretext('extract', '--run', String(imported.id), '--backend', 'wasm', '--library', library, '--json'));
    expect(features).toMatchObject({ status: 'ready', videoCount: 16 });
    await expectSameFeatures(imported, join(checkpoint, 'step-0000002.safetensors'), bundle);
  }, 240_000);
});
