/**
 * The training service with its runs in a compute host (the page's side served in this process on
 * wasm, as host.test.ts does): main keeps the database, checkpoints, cancel and resume, and the batches
 * come from its real loader thread over a generated library's frame cache.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainPreset } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import { listCheckpoints } from '../db/runs.ts';
import { EventHub } from '../jobs/events.ts';
import { Studio } from '../studio.ts';
import { MOTION_DIRECTIONS, synthesizeVideo } from '../media/synthesize.ts';
import { getMediaTools } from '../media/tools.ts';
import { inProcessHost } from './host-test-support.ts';

let work: string;
let library: Studio;
const events = new EventHub();
let hostsOpened = 0;

beforeAll(async () => {
  await initBackend('wasm');
  work = mkdtempSync(join(tmpdir(), 'pretext-host-service-'));
  const tools = await getMediaTools();
  for (let seed = 0; seed < 4; seed++) {
    const direction = MOTION_DIRECTIONS[seed % 2] as 'left' | 'right';
    mkdirSync(join(work, 'videos', direction), { recursive: true });
    await synthesizeVideo(tools, join(work, 'videos', direction, `box${seed}.mp4`), {
      seconds: 2, width: 64, height: 48, fps: 25, pattern: 'moving-box', direction, seed,
    });
  }
  library = new Studio({
    events,
    trainingWorker: () => {
      hostsOpened++;
      return inProcessHost(async () => 'wasm');
    },
  });
  library.open(join(work, 'lib.pretext'), true);
  await library.imports.wait((await library.imports.start(join(work, 'videos'))).id);
}, 120_000);

afterAll(async () => {
  await library.close();
  rmSync(work, { recursive: true, force: true });
});

const db = () => library.requireOpen().db;
const config = { ...trainPreset('sequence-sorting', 'alexnet', 'tiny'), steps: 4, batchSize: 2, evaluateEvery: 2, checkpointEvery: 2, validationTuples: 4 };

describe('training runs in the compute host', () => {
  it('records the backend, metrics and checkpoints the page reports; cancel and resume go through main', async () => {
    const opened = hostsOpened;
    const run = await library.training.wait(library.training.start(config).id);
    expect(run).toMatchObject({ status: 'completed', backend: 'wasm' });
    expect(hostsOpened).toBe(opened + 1);
    const detail = library.training.run(run.id);
    expect(detail.metrics.filter((point) => point.split === 'train').map((point) => point.step)).toEqual([1, 2, 3, 4]);
    const checkpoints = listCheckpoints(db(), run.id);
    expect(checkpoints.map((checkpoint) => checkpoint.step).sort()).toEqual([2, 4]);
    for (const checkpoint of checkpoints) expect(existsSync(join(library.requireOpen().paths.cache, checkpoint.folder, 'weights.bin'))).toBe(true);

    // Cancelled after its first step: a checkpoint where it stopped, then resume finishes the run.
    const long = library.training.start({ ...config, steps: 8 });
    const firstStep = new Promise<void>((done) => {
      const stop = events.on('training.metrics', ({ points }) => {
        if (points.some((point) => point.split === 'train')) {
          stop();
          done();
        }
      });
    });
    await firstStep;
    library.training.cancel(long.id);
    const cancelled = await library.training.wait(long.id);
    expect(cancelled.status).toBe('cancelled');
    const stoppedAt = Math.max(...listCheckpoints(db(), long.id).map((checkpoint) => checkpoint.step));
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(8);
    const resumed = await library.training.wait(library.training.resume(long.id).id);
    expect(resumed.status).toBe('completed');
    const steps = library.training.run(long.id).metrics.filter((point) => point.split === 'train').map((point) => point.step);
    expect(steps.at(-1)).toBe(8);
    expect(new Set(steps).size).toBe(8);
  }, 240_000);
});
