/**
 * Feature extraction through the whole stack: a generated library, the extraction worker, vectors in
 * the library; incremental updates, cancel, a vanished file, and weights from a run's checkpoint.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainPreset } from '../../shared/training.ts';
import { EventHub } from '../jobs/events.ts';
import { createFeatureSet, loadSetVectors, setFeatureSetStatus } from '../db/features.ts';
import { scaledWidth } from '../models/encoder.ts';
import { frameEncoderGrid, SMALL_FRAME_ENCODER } from '../models/frame-encoder.ts';
import { Studio } from '../studio.ts';
import { MOTION_DIRECTIONS, synthesizeVideo } from '../media/synthesize.ts';
import { getMediaTools } from '../media/tools.ts';

let work: string;
let library: Studio;
const events = new EventHub();
const VIDEOS = 6;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pretext-features-'));
  const tools = await getMediaTools();
  for (let seed = 0; seed < VIDEOS; seed++) {
    const direction = MOTION_DIRECTIONS[seed % 2] as 'left' | 'right';
    mkdirSync(join(work, 'videos', direction), { recursive: true });
    await synthesizeVideo(tools, join(work, 'videos', direction, `box${seed}.mp4`), {
      seconds: 2, width: 64, height: 48, fps: 25, pattern: 'moving-box', direction, seed,
    });
  }
  library = new Studio({ events });
  library.open(join(work, 'lib.pretext'), true);
  await library.imports.wait((await library.imports.start(join(work, 'videos'))).id);
});

afterAll(async () => {
  await library.close();
  rmSync(work, { recursive: true, force: true });
});

const db = () => library.requireOpen().db;
const RANDOM_R3D = { kind: 'random', task: 'clip-order', backbone: 'r3d', preset: 'tiny', seed: 0 } as const;

describe('feature extraction', () => {
  it('extracts 10 clips per video with random init, reporting progress, then has nothing left to do', async () => {
    const progress: number[] = [];
    const stop = events.on('features.progress', (event) => progress.push(event.done));
    const started = library.features.extract(RANDOM_R3D);
    expect(started).toMatchObject({ status: 'extracting', clipsPerVideo: 10, framesPerClip: 4, backbone: 'r3d' });
    const set = await library.features.wait(started.id);
    stop();
    expect(set).toMatchObject({ status: 'ready', videoCount: VIDEOS, missingCount: 0, failures: [], error: null });
    expect(progress.at(-1)).toBe(VIDEOS);
    const vectors = loadSetVectors(db(), set.id);
    expect(vectors.featureSize).toBe(set.featureSize);
    expect(vectors.vectors.every(Number.isFinite)).toBe(true);
    // Distinct videos give distinct vectors; every clip span lies inside the 2 s video.
    expect(vectors.vectors.slice(0, vectors.featureSize)).not.toEqual(vectors.vectors.slice(vectors.featureSize, 2 * vectors.featureSize));
    for (const clips of vectors.clips) {
      expect(clips).toHaveLength(10);
      expect(clips.at(-1)?.endSeconds).toBeLessThanOrEqual(2.0001);
    }

    const again = await library.features.wait(library.features.extract(RANDOM_R3D).id);
    expect(again.id).toBe(set.id);
    expect(loadSetVectors(db(), set.id).vectors).toEqual(vectors.vectors);
  }, 120_000);

  it('a cancelled extraction keeps what it stored and the next one finishes the rest', async () => {
    const source = { ...RANDOM_R3D, seed: 1 };
    const stop = events.on('features.progress', (event) => {
      if (event.done === 1) library.features.cancel(event.setId);
    });
    const cancelled = await library.features.wait(library.features.extract(source).id);
    stop();
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.videoCount).toBeGreaterThanOrEqual(1);
    expect(cancelled.videoCount).toBeLessThan(VIDEOS);
    expect(cancelled.missingCount).toBe(VIDEOS - cancelled.videoCount);
    const resumed = await library.features.wait(library.features.extract(source).id);
    expect(resumed).toMatchObject({ status: 'ready', videoCount: VIDEOS, missingCount: 0 });
  }, 120_000);

  it('records a video that vanished since import as a failure and extracts the others', async () => {
    unlinkSync(join(work, 'videos', 'left', 'box4.mp4'));
    // Without cached frames, so the file itself must be decoded.
    rmSync(join(library.requireOpen().paths.cache, 'frames'), { recursive: true, force: true });
    const set = await library.features.wait(library.features.extract({ ...RANDOM_R3D, seed: 2 }).id);
    expect(set.status).toBe('ready');
    expect(set.videoCount).toBe(VIDEOS - 1);
    expect(set.failures).toHaveLength(1);
    expect(set.failures[0]).toMatchObject({ fileName: 'box4.mp4' });
    expect(set.failures[0]?.reason).toMatch(/not found|no such file|missing/i);
  }, 120_000);

  it('loads a run\'s checkpoint: its vectors differ from the same architecture at its initial weights', async () => {
    const config = { ...trainPreset('clip-order', 'r3d', 'tiny'), steps: 3, evaluateEvery: 3, checkpointEvery: 3 };
    const run = await library.training.wait(library.training.start(config).id);
    expect(run.status).toBe('completed');
    const trained = await library.features.wait(library.features.extract({ kind: 'run', runId: run.id, checkpoint: 'best' }).id);
    expect(trained).toMatchObject({ status: 'ready', name: `Run ${run.id} · clip-order r3d · step 3` });
    expect(trained.source).toEqual({ kind: 'run', runId: run.id, checkpointStep: 3 });
    const initial = await library.features.wait(
      library.features.extract({ kind: 'random', runId: run.id, preset: 'tiny', seed: config.seed }).id,
    );
    expect(initial.name).toContain(`like run ${run.id}`);
    const a = loadSetVectors(db(), trained.id).vectors;
    const b = loadSetVectors(db(), initial.id).vectors;
    expect(a.length).toBe(b.length);
    expect(a).not.toEqual(b);
  }, 180_000);

  it('updates a set with the videos imported since, keeping the vectors it has', async () => {
    const set = await library.features.wait(library.features.extract({ ...RANDOM_R3D, seed: 3 }).id);
    const before = loadSetVectors(db(), set.id);
    await synthesizeVideo(await getMediaTools(), join(work, 'videos', 'right', 'late.mp4'), {
      seconds: 2, width: 64, height: 48, fps: 25, pattern: 'moving-box', direction: 'right', seed: 99,
    });
    await library.imports.wait((await library.imports.start(join(work, 'videos'))).id);
    expect(library.features.set(set.id).dto.missingCount).toBe(1);
    const updated = await library.features.wait(library.features.update(set.id).id);
    expect(updated).toMatchObject({ id: set.id, status: 'ready', missingCount: 0, videoCount: set.videoCount + 1 });
    const after = loadSetVectors(db(), set.id);
    expect(after.vectors.subarray(0, before.vectors.length)).toEqual(before.vectors);
    expect(() => library.features.update(999)).toThrow(/No feature set 999/);
  }, 120_000);

  it('extracts a frame encoder with the vcop-reference protocol as a set of its own, recording how', async () => {
    const source = { kind: 'random', task: 'order-verification', backbone: 'alexnet', preset: 'tiny', seed: 0 } as const;
    const reference = await library.features.wait(library.features.extract({ ...source, protocol: 'vcop-reference' }).id);
    expect(reference).toMatchObject({ status: 'ready', protocol: 'vcop-reference', inputSize: 227, clipsPerVideo: 10, framesPerClip: 1, videoCount: VIDEOS });
    expect(reference.name).toMatch(/VCOP reference$/);
    // The tiny encoder's last stage (384 / 16 channels) on its 14 × 14 grid at 227 px, flattened: a local grid, not a global pool.
    const grid = frameEncoderGrid(SMALL_FRAME_ENCODER, 227)?.at(-1) as number;
    expect(reference.featureSize).toBe(scaledWidth(384, 1 / 16) * grid * grid);
    // Ten single frames at int(linspace(0, n − 1, 10)) of the 50-frame videos.
    const spans = loadSetVectors(db(), reference.id).clips[0] as { startSeconds: number; endSeconds: number }[];
    expect(spans.map((span) => Math.round(span.startSeconds * 25))).toEqual([0, 5, 10, 16, 21, 27, 32, 38, 43, 49]);
    // Updating keeps the protocol a set was made with.
    expect(library.features.update(reference.id)).toMatchObject({ id: reference.id, protocol: 'vcop-reference' });
    await library.features.wait(reference.id);
  }, 180_000);

  it.each([
    ['odd-one-out', 'dynamic images'],
    ['order-verification', 'ordered frame tuples'],
  ] as const)('keeps an %s set made of %s apart from one made frame by frame before, which it will not extend', async (task, seen) => {
    const source = { kind: 'random', task, backbone: 'alexnet', preset: 'tiny', seed: 0 } as const;
    const set = await library.features.wait(library.features.extract(source).id);
    expect(set).toMatchObject({ status: 'ready', videoCount: VIDEOS, framesPerClip: 16 });
    // A set as extraction stored it before: the same source's key, no mark.
    const config = trainPreset(task, 'alexnet', 'tiny');
    const old = createFeatureSet(db(), {
      sourceKey: `random:${task}:alexnet:tiny:seed:0`,
      source: set.source,
      name: 'older',
      config,
      protocol: 'compact',
      inputSize: set.inputSize,
      clipsPerVideo: 10,
      framesPerClip: 16,
    });
    setFeatureSetStatus(db(), old, 'ready');
    expect(() => library.features.update(old)).toThrow(new RegExp(`extracted frame by frame.*${seen}.*Extract again`));
    expect(library.features.set(old).dto).toMatchObject({ status: 'ready', videoCount: 0 });
    // Extracting the same source again finds the new set, not the old one.
    expect(library.features.extract(source).id).toBe(set.id);
    await library.features.wait(set.id);
  }, 180_000);

  it('refuses unknown runs, runs without checkpoints, and a backbone that does not fit the task', () => {
    expect(() => library.features.extract({ kind: 'run', runId: 999, checkpoint: 'best' })).toThrow(/No training run 999/);
    expect(() => library.features.extract({ kind: 'random', task: 'clip-order', backbone: 'alexnet', preset: 'tiny', seed: 0 })).toThrow(
      /does not fit/,
    );
  });
});
