import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_PRESETS } from '../../shared/tasks.ts';
import { isMediaError } from '../media/errors.ts';
import { isAbortError } from '../util/abort.ts';
import { synthesizeVideo } from '../media/synthesize.ts';
import { getMediaTools, type MediaTools } from '../media/tools.ts';
import { FrameCache } from './frame-cache.ts';
import { createFfmpegFrameSource } from './frame-source.ts';
import { startBatchLoader, type BatchLoader } from './loader.ts';
import { createBatchPipeline, type Batch, type BatchPipelineOptions, type PipelineVideo } from './pipeline.ts';

const config = TASK_PRESETS['clip-order'].tiny;
let work: string;
let tools: MediaTools;
let videos: PipelineVideo[];
let loader: BatchLoader;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pretext-loader-'));
  tools = await getMediaTools();
  const local = createFfmpegFrameSource(tools, new FrameCache(join(work, 'probe-cache'), { maxBytes: 1e9 }));
  videos = [];
  for (const id of [1, 2]) {
    const path = join(work, `box${id}.mp4`);
    await synthesizeVideo(tools, path, { seconds: 2, width: 96, height: 72, fps: 25, pattern: 'moving-box', seed: id });
    const grid = await local.openGrid({ id, path }, { ...config.frameSize, fps: 25 });
    videos.push({ ref: { id, path }, meta: { id, frameCount: grid.frameCount, ...config.frameSize, fps: 25 }, motion: null, cells: null });
    await grid.close();
  }
  loader = startBatchLoader({ tools, frameCacheFolder: join(work, 'loader-cache'), frameCacheBytes: 1e9 });
});

afterAll(async () => {
  await loader.close();
  rmSync(work, { recursive: true, force: true });
});

function options(overrides: Partial<BatchPipelineOptions<typeof config>> = {}): BatchPipelineOptions<typeof config> {
  return { videos, config, rate: 25, seed: 9, tupleCount: 8, batchSize: 4, ...overrides };
}

async function collect(pipeline: AsyncIterable<Batch>): Promise<Batch[]> {
  const batches: Batch[] = [];
  for await (const batch of pipeline) batches.push(batch);
  return batches;
}

describe('batch loader thread', () => {
  it('fills exactly the batches the training thread would fill itself', async () => {
    const source = createFfmpegFrameSource(tools, new FrameCache(join(work, 'local-cache'), { maxBytes: 1e9 }));
    const here = await collect(createBatchPipeline(options({ source })));
    const there = await collect(createBatchPipeline(options({ fill: loader.fill })));
    expect(there).toHaveLength(2);
    expect(there.map((batch) => [batch.inputs, batch.labels])).toEqual(here.map((batch) => [batch.inputs, batch.labels]));
  });

  it('passes a media error back as one, and a cancel as a cancel', async () => {
    const gone = [{ ...(videos[0] as PipelineVideo), ref: { id: 1, path: join(work, 'missing.mp4') } }];
    const failure = await collect(createBatchPipeline(options({ videos: gone, fill: loader.fill, tupleCount: 4 }))).catch((error: unknown) => error);
    expect(isMediaError(failure)).toBe(true);
    const controller = new AbortController();
    const job = { tuples: [], videos: [], spec: { ...config.frameSize, fps: 25 }, length: 0, readConcurrency: 1 };
    const pending = loader.fill(job, controller.signal);
    controller.abort();
    expect(isAbortError(await pending.catch((error: unknown) => error))).toBe(true);
  });

  it('refuses work once closed', async () => {
    const closing = startBatchLoader({ tools, frameCacheFolder: join(work, 'closing-cache'), frameCacheBytes: 1e9 });
    await closing.close();
    const job = { tuples: [], videos: [], spec: { ...config.frameSize, fps: 25 }, length: 0, readConcurrency: 1 };
    await expect(closing.fill(job, new AbortController().signal)).rejects.toThrow(/cancelled|stopped/);
  });
});
