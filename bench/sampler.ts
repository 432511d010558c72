// Sampler + augmentation throughput: tuples/s of the batch pipeline for each task's tiny preset over
// the shared clips, with a warm frame cache (decoding is measured by bench/decode.ts).
// Usage: npx tsx bench/sampler.ts [tuples=2048] [batchSize=32]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TASK_IDS, TASK_PRESETS } from '../src-main/shared/tasks.ts';
import { openMemoryDatabase } from '../src-main/core/db/connection.ts';
import { insertVideo } from '../src-main/core/db/videos.ts';
import type { MotionRecord } from '../src-main/core/db/motion.ts';
import { FrameCache } from '../src-main/core/frames/frame-cache.ts';
import { createFfmpegFrameSource } from '../src-main/core/frames/frame-source.ts';
import { ensureMotion } from '../src-main/core/frames/motion-scores.ts';
import { createBatchPipeline, pipelineVideo, type PipelineVideo } from '../src-main/core/frames/pipeline.ts';
import { SHARED_CLIPS, SHARED_MEDIA_DIR } from '../src-main/core/media/testing.ts';
import { getMediaTools } from '../src-main/core/media/tools.ts';
import { createRng } from '../src-main/core/tasks/rng.ts';
import { sampleEpoch } from '../src-main/core/tasks/samplers/dataset.ts';
import { printReport } from './report.ts';

const tupleCount = Number(process.argv[2] ?? 2048);
const batchSize = Number(process.argv[3] ?? 32);
const RATE = 25;

const work = mkdtempSync(join(tmpdir(), 'pretext-bench-sampler-'));
try {
  const tools = await getMediaTools();
  const db = openMemoryDatabase();
  const source = createFfmpegFrameSource(tools, new FrameCache(join(work, 'frames'), { maxBytes: 1e10 }));
  const refs = SHARED_CLIPS.map((clip) => {
    const path = join(SHARED_MEDIA_DIR, clip.fileName);
    const id = insertVideo(db, {
      path, root: SHARED_MEDIA_DIR, sizeBytes: 1, mtimeMs: 1, contentHash: clip.fileName, media: null,
      label: null, status: 'ready', error: null, duplicateOf: null, thumbnail: null,
    });
    return { id, path, contentHash: clip.fileName, media: { durationS: clip.durationS, fps: clip.fps } };
  });
  const motions = await Promise.all(refs.map((ref) => ensureMotion(db, tools, ref, RATE)));

  const rows = [];
  for (const task of TASK_IDS) {
    const config = TASK_PRESETS[task].tiny;
    const videos: PipelineVideo[] = refs.map((ref, i) => pipelineVideo(ref, motions[i] as MotionRecord, config.frameSize));
    const pipelineOf = (seed: number) => createBatchPipeline({ source, videos, config, rate: RATE, seed, tupleCount, batchSize });
    for await (const _ of pipelineOf(0)); // warms the cache: every grid decoded once

    const sampleStarted = performance.now();
    sampleEpoch(videos.map((video) => video.meta), new Map(videos.map((video) => [video.meta.id, video.motion as Float32Array])), createRng(1), config, tupleCount, { batchSize });
    const sampleS = (performance.now() - sampleStarted) / 1000;

    const pipeline = pipelineOf(1);
    let floats = 0;
    const started = performance.now();
    for await (const batch of pipeline) floats += batch.inputs.length;
    const seconds = (performance.now() - started) / 1000;
    rows.push({
      task,
      usable_videos: pipeline.report.usableVideos,
      skipped_too_short: pipeline.report.skippedVideos,
      tuples: pipeline.tupleCount,
      sampler_only_tuples_per_s: tupleCount / sampleS,
      pipeline_tuples_per_s: pipeline.tupleCount / seconds,
      pipeline_batches_per_s: pipeline.batchCount / seconds,
      input_mb_per_s: (floats * 4) / 1e6 / seconds,
    });
  }
  db.close();
  printReport('sampler + augmentation (tiny presets, warm cache)', rows, { tupleCount, batchSize, rate: RATE, videos: refs.length });
} finally {
  rmSync(work, { recursive: true, force: true });
}
