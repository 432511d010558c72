/**
 * A run that steps far faster than the UI can follow (a stand-in worker posts 1000 steps at once):
 * every metric point is stored and told, in order, but in a few writes and events, not one per step.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrainingMetrics, TrainingProgress } from '../../shared/dto.ts';
import { trainPreset } from '../../shared/training.ts';
import { EventHub } from '../jobs/events.ts';
import { workerJobPort } from '../jobs/worker-job.ts';
import { Studio } from '../studio.ts';
import { synthesizeVideo } from '../media/synthesize.ts';
import { getMediaTools } from '../media/tools.ts';
import { TRAINING_UPDATE_INTERVAL_MS } from './training-service.ts';

const STEPS = 1000;
const FAST_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (message) => {
  if (message.type !== 'start') return;
  const totalSteps = message.start.config.steps;
  for (let step = 1; step <= totalSteps; step++) {
    parentPort.postMessage({ type: 'metrics', points: [{ split: 'train', step, loss: 1 / step, accuracy: 0.5, stepsPerSecond: 1000 }] });
    const info = { step, totalSteps, phase: 'training', stepsPerSecond: 1000, etaSeconds: 0, dataWaitShare: 0 };
    parentPort.postMessage({ type: 'progress', info });
  }
  parentPort.postMessage({ type: 'done', outcome: { step: totalSteps, cancelled: false } });
});`;

let work: string;
const events = new EventHub();
let studio: Studio;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pretext-paced-'));
  mkdirSync(join(work, 'videos'));
  const tools = await getMediaTools();
  for (const seed of [1, 2]) {
    await synthesizeVideo(tools, join(work, 'videos', `box${seed}.mp4`), { seconds: 4, width: 96, height: 72, fps: 25, pattern: 'moving-box', seed });
  }
  studio = new Studio({ events, trainingWorker: () => workerJobPort(new Worker(FAST_WORKER, { eval: true }), 'training') });
  studio.open(join(work, 'lib.pretext'), true);
  await studio.imports.wait((await studio.imports.start(join(work, 'videos'))).id);
});

afterAll(async () => {
  await studio.close();
  rmSync(work, { recursive: true, force: true });
});

it('stores and tells every step of a fast run, in a few paced writes and events', async () => {
  const told: { name: string; at: number; payload: unknown }[] = [];
  const stop = events.subscribe((name, payload) => told.push({ name, at: Date.now(), payload }));
  const started = Date.now();
  const run = studio.training.start({ ...trainPreset('clip-order', 'r3d', 'tiny'), steps: STEPS });
  const finished = await studio.training.wait(run.id);
  stop();
  expect(finished.status, finished.error ?? '').toBe('completed');

  const steps = studio.training.run(run.id).metrics.map((point) => point.step);
  expect(steps).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
  const metrics = told.filter((event) => event.name === 'training.metrics').map((event) => event.payload as TrainingMetrics);
  expect(metrics.flatMap((event) => event.points.map((point) => point.step))).toEqual(steps);

  // At most one event of a kind per interval, plus the first and the flush at the end.
  const allowed = Math.ceil((Date.now() - started) / TRAINING_UPDATE_INTERVAL_MS) + 2;
  const training = told.filter((event) => event.name === 'training.progress' && (event.payload as TrainingProgress).phase === 'training');
  expect(metrics.length).toBeLessThanOrEqual(allowed);
  expect(training.length).toBeLessThanOrEqual(allowed);
  expect(metrics.length).toBeLessThan(STEPS / 10);
  // The last progress says where the run ended, and comes before the end.
  expect((training.at(-1)?.payload as TrainingProgress).step).toBe(STEPS);
  expect(told.findIndex((event) => event.name === 'training.finished')).toBeGreaterThan(told.indexOf(training.at(-1) as (typeof told)[number]));
}, 120_000);
