import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_IDS, TASK_PRESETS, type TaskConfig } from '../../shared/tasks.ts';
import { openMemoryDatabase } from '../db/connection.ts';
import { insertVideo } from '../db/videos.ts';
import { MediaError } from '../media/errors.ts';
import { isAbortError } from '../util/abort.ts';
import { resolveMediaTools } from '../media/tools.ts';
import { SHARED_MEDIA_DIR } from '../media/testing.ts';
import type { CellMotion } from '../tasks/motion.ts';
import { createRng } from '../tasks/rng.ts';
import { sampleEpoch } from '../tasks/samplers/dataset.ts';
import { movingSegment } from '../tasks/test-support.ts';
import { renderView } from './augment.ts';
import { FrameCache } from './frame-cache.ts';
import { createFfmpegFrameSource } from './frame-source.ts';
import { ensureMotion } from './motion-scores.ts';
import { createBatchPipeline, pipelineVideo, type Batch, type BatchPipelineOptions, type PipelineVideo } from './pipeline.ts';
import { memoryFrameSource, memoryPipelineVideos, patternFrame } from './test-support.ts';

/** Frame counts of the in-memory library: video 3 is too short for every tiny preset. */
const FRAME_COUNTS = new Map([[1, 60], [2, 90], [3, 4]]);

const memoryVideos = (config: TaskConfig) => memoryPipelineVideos(FRAME_COUNTS, config.frameSize);

function options<C extends TaskConfig>(config: C, overrides: Partial<BatchPipelineOptions<C>> = {}): BatchPipelineOptions<C> {
  return {
    source: memoryFrameSource(FRAME_COUNTS),
    videos: memoryVideos(config),
    config,
    rate: 25,
    seed: 632,
    tupleCount: 10,
    batchSize: 4,
    ...overrides,
  };
}

async function collect<C extends TaskConfig>(pipeline: AsyncIterable<Batch<C>>): Promise<Batch<C>[]> {
  const batches: Batch<C>[] = [];
  for await (const batch of pipeline) batches.push(batch);
  return batches;
}

describe.each(TASK_IDS)('batch pipeline for %s (tiny preset)', (task) => {
  const config = TASK_PRESETS[task].tiny as TaskConfig;

  it('packs every view of every tuple in the documented layout, with the tuples’ labels', async () => {
    const pipeline = createBatchPipeline(options(config));
    expect(pipeline.report).toMatchObject({ usableVideos: 2, skippedVideos: 1, skippedVideoIds: [3] });
    const batches = await collect(pipeline);
    expect(batches.map((batch) => batch.shape[0])).toEqual([4, 4, 2]);
    expect(pipeline).toMatchObject({ tupleCount: 10, batchCount: 3 });

    const { tuples } = sampleEpoch(
      memoryVideos(config).map((video) => video.meta),
      new Map(memoryVideos(config).map((video) => [video.meta.id, video.motion as Float32Array])),
      createRng(632).fork('epoch:0'),
      config,
      10,
      { batchSize: 4, cellsById: new Map(memoryVideos(config).map((video) => [video.meta.id, video.cells as CellMotion])) },
    );
    expect(batches.flatMap((batch) => batch.tuples)).toEqual(tuples);

    for (const batch of batches) {
      const [count, elements, frames, height, width, channels] = batch.shape;
      expect([elements, frames, height, width, channels]).toEqual([
        batch.tuples[0]?.elements.length, batch.tuples[0]?.elements[0]?.frames.length,
        batch.tuples[0]?.outputSize.height, batch.tuples[0]?.outputSize.width, 3,
      ]);
      expect(Array.from(batch.labels)).toEqual(batch.tuples.map((tuple) => tuple.label));
      expect(batch.inputs.length).toBe(count * elements * frames * height * width * 3);
      const viewFloats = height * width * 3;
      batch.tuples.forEach((tuple, t) =>
        tuple.elements.forEach((element, e) =>
          element.frames.forEach((view, f) => {
            const source = patternFrame(tuple.videoId, view.frame, config.frameSize.width, config.frameSize.height);
            const expected = Float32Array.from(renderView(source, config.frameSize, view, tuple.outputSize), (byte) => byte / 255);
            const at = ((t * elements + e) * frames + f) * viewFloats;
            expect(batch.inputs.subarray(at, at + viewFloats)).toEqual(expected);
          }),
        ),
      );
    }
  });
});

describe('batch pipeline behaviour', () => {
  const config = TASK_PRESETS['sequence-sorting'].tiny;

  it('gives the same bytes for a seed whatever the timing, prefetch and concurrency', async () => {
    const jittery = memoryFrameSource(FRAME_COUNTS, (id) => (id === 1 ? 3 : 0));
    const first = await collect(createBatchPipeline(options(config, { prefetch: 1, readConcurrency: 1 })));
    const second = await collect(createBatchPipeline(options(config, { source: jittery, prefetch: 3, readConcurrency: 4 })));
    expect(second.map((batch) => [batch.inputs, batch.labels])).toEqual(first.map((batch) => [batch.inputs, batch.labels]));
    const otherSeed = await collect(createBatchPipeline(options(config, { seed: 633 })));
    const otherEpoch = await collect(createBatchPipeline(options(config, { epoch: 1 })));
    expect(otherSeed[0]?.inputs).not.toEqual(first[0]?.inputs);
    expect(otherEpoch[0]?.inputs).not.toEqual(first[0]?.inputs);
  });

  it('samples the same tuples from the same files whatever ids the import gave them', async () => {
    const hashed = memoryVideos(config).map((video) => ({ ...video, ref: { ...video.ref, contentHash: `h${video.ref.id}` } }));
    // The same three files, imported in another order: ids 1, 2, 3 become 3, 1, 2.
    const renumber = new Map([[1, 3], [2, 1], [3, 2]]);
    const reimported = hashed.map((video) => {
      const id = renumber.get(video.ref.id) as number;
      return { ...video, ref: { ...video.ref, id }, meta: { ...video.meta, id } };
    });
    const geometry = (batches: Batch[], videos: PipelineVideo[]) =>
      batches.flatMap((batch) =>
        batch.tuples.map((tuple) => ({ ...tuple, videoId: videos.find((video) => video.ref.id === tuple.videoId)?.ref.contentHash })),
      );
    const first = await collect(createBatchPipeline(options(config, { videos: hashed })));
    const source = memoryFrameSource(new Map([...FRAME_COUNTS].map(([id, frames]) => [renumber.get(id) as number, frames])));
    const second = await collect(createBatchPipeline(options(config, { videos: [...reimported].reverse(), source })));
    expect(geometry(second, reimported)).toEqual(geometry(first, hashed));
  });

  it('starts at a later batch with exactly the batches it would have yielded there', async () => {
    const all = await collect(createBatchPipeline(options(config, {})));
    expect(all.length).toBeGreaterThan(1);
    const resumed = await collect(createBatchPipeline(options(config, { firstBatch: 1 })));
    expect(resumed.map((batch) => batch.index)).toEqual(all.slice(1).map((batch) => batch.index));
    expect(resumed.map((batch) => batch.inputs)).toEqual(all.slice(1).map((batch) => batch.inputs));
  });

  it('stops on abort, and on a consumer’s break, with every grid closed', async () => {
    const source = memoryFrameSource(FRAME_COUNTS, () => 2);
    const controller = new AbortController();
    const seen: number[] = [];
    const error = await (async () => {
      for await (const batch of createBatchPipeline(options(config, { source, signal: controller.signal, tupleCount: 40 }))) {
        seen.push(batch.index);
        controller.abort();
      }
    })().catch((caught: unknown) => caught);
    expect(isAbortError(error)).toBe(true);
    expect(seen).toEqual([0]);
    expect(source.openCount()).toBe(0);

    for await (const batch of createBatchPipeline(options(config, { source, tupleCount: 40, prefetch: 3 }))) {
      if (batch.index === 1) break;
    }
    expect(source.openCount()).toBe(0);
  });

  it('fails with a MediaError when a grid disagrees with the frames its motion covers', async () => {
    const videos = memoryVideos(config).map((video) => (video.meta.id === 1 ? { ...video, meta: { ...video.meta, frameCount: 59 }, motion: movingSegment(59, 10, 50), cells: null } : video));
    const error = await collect(createBatchPipeline(options(config, { videos }))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).reason).toMatch(/decoded 60 frames, but its motion scores cover 59/);
  });

  it('yields nothing, and says why, when no video is long enough', async () => {
    const pipeline = createBatchPipeline(options(TASK_PRESETS['clip-order'].paper, { videos: memoryVideos(TASK_PRESETS['clip-order'].paper).slice(0, 1) }));
    expect(pipeline.report).toMatchObject({ usableVideos: 0, skippedVideos: 1, framesNeeded: 64 });
    expect(await collect(pipeline)).toEqual([]);
  });

  it('refuses batch sizes, prefetch and concurrency below 1', () => {
    expect(() => createBatchPipeline(options(config, { batchSize: 0 }))).toThrow(RangeError);
    expect(() => createBatchPipeline(options(config, { prefetch: 0 }))).toThrow(RangeError);
    expect(() => createBatchPipeline(options(config, { readConcurrency: 1.5 }))).toThrow(RangeError);
  });
});

describe('batch pipeline on real clips', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pretext-pipeline-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is deterministic across decode concurrency, and reports the 1 s clip as too short for VCOP', async () => {
    const tools = await resolveMediaTools();
    const db = openMemoryDatabase();
    const config = TASK_PRESETS['clip-order'].tiny;
    const rate = 10;
    const videos: PipelineVideo[] = [];
    for (const fileName of ['ucf101_v_ApplyEyeMakeup_g01_c01.avi', 'ava_spatiotemporal_demo.mp4', 'short_1s.mp4']) {
      const filePath = path.join(SHARED_MEDIA_DIR, fileName);
      const id = insertVideo(db, {
        path: filePath, root: SHARED_MEDIA_DIR, sizeBytes: 1, mtimeMs: 1, contentHash: fileName, media: null,
        label: null, status: 'ready', error: null, duplicateOf: null, thumbnail: null,
      });
      const ref = { id, path: filePath, contentHash: fileName };
      videos.push(pipelineVideo(ref, await ensureMotion(db, tools, ref, rate), config.frameSize));
    }
    const run = async (decodeConcurrency: number) => {
      const cache = new FrameCache(path.join(dir, `cache-${decodeConcurrency}`), { maxBytes: 1e9, decodeConcurrency });
      const source = createFfmpegFrameSource(tools, cache);
      const pipeline = createBatchPipeline({ source, videos, config, rate, seed: 7, tupleCount: 6, batchSize: 3, prefetch: 2 });
      return { report: pipeline.report, batches: await collect(pipeline) };
    };
    const [one, three] = [await run(1), await run(3)];
    expect(one.report).toMatchObject({ usableVideos: 2, skippedVideos: 1, skippedVideoIds: [3], framesNeeded: 16 });
    expect(three.batches.map((batch) => [batch.inputs, batch.labels])).toEqual(one.batches.map((batch) => [batch.inputs, batch.labels]));
    expect(one.batches.map((batch) => batch.shape)).toEqual([[3, 3, 4, 40, 40, 3], [3, 3, 4, 40, 40, 3]]);
  });
});
