import { describe, expect, it } from 'vitest';
import { TASK_IDS, TASK_PRESETS } from '../../../shared/tasks.ts';
import type { CellMotion } from '../motion.ts';
import { createRng } from '../rng.ts';
import { videoOf } from '../test-support.ts';
import { sampleEpoch } from './dataset.ts';
import { SAMPLERS, samplerFor } from './index.ts';

const clipOrder = TASK_PRESETS['clip-order'].paper;
/** Two videos too short for VCOP (10 and 63 frames) and three long enough. */
const library = [10, 63, 64, 100, 300].map((frames) => videoOf(frames, 171, 128));
const noMotion = new Map<number, Float32Array>();

describe('sampleEpoch', () => {
  it('reports the videos that are too short and samples the rest', () => {
    const { tuples, report } = sampleEpoch(library, noMotion, createRng(1), clipOrder, 50);
    expect(report).toEqual({
      usableVideos: 3,
      skippedVideos: 2,
      skippedReasons: { 'too-short': 2 },
      skippedVideoIds: [10, 63],
      framesNeeded: 64,
    });
    expect(tuples).toHaveLength(50);
    const perVideo = [64, 100, 300].map((id) => tuples.filter((tuple) => tuple.videoId === id).length);
    // Shuffled passes spread 50 tuples as 17 / 17 / 16.
    expect(perVideo.slice().sort()).toEqual([16, 17, 17]);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const epoch = (seed: number) => sampleEpoch(library, noMotion, createRng(seed), clipOrder, 30);
    expect(epoch(7)).toEqual(epoch(7));
    expect(epoch(7).tuples).not.toEqual(epoch(8).tuples);
  });

  it('returns no tuples, and says why, when no video is long enough', () => {
    const { tuples, report } = sampleEpoch(library.slice(0, 2), noMotion, createRng(1), clipOrder, 10);
    expect(tuples).toEqual([]);
    expect(report).toMatchObject({ usableVideos: 0, skippedVideos: 2 });
    expect(sampleEpoch(library, noMotion, createRng(1), clipOrder, 0).tuples).toEqual([]);
  });

  it('makes the S&L negative ratio exact in every batch', () => {
    const config = TASK_PRESETS['order-verification'].tiny;
    const { tuples } = sampleEpoch(library, noMotion, createRng(3), config, 44, { batchSize: 8 });
    const negativesPerBatch = [0, 8, 16, 24, 32, 40].map(
      (from) => tuples.slice(from, from + 8).filter((tuple) => tuple.label === 0).length,
    );
    // round(0.75 · 8) = 6 per full batch, round(0.75 · 4) = 3 in the last one.
    expect(negativesPerBatch).toEqual([6, 6, 6, 6, 6, 3]);
  });

  it('passes motion scores and per-cell motion to the samplers', () => {
    const config = TASK_PRESETS['sequence-sorting'].paper;
    const video = videoOf(300, 171, 128, 1);
    const motion = Float32Array.from({ length: 300 }, (_, i) => (i >= 250 ? 9 : 0));
    const cells: CellMotion = {
      rows: 2,
      cols: 2,
      frameCount: 300,
      values: Float32Array.from({ length: 1200 }, (_, i) => (i % 4 === 0 ? 9 : 0)), // top-left cell moves
    };
    const { tuples } = sampleEpoch([video], new Map([[1, motion]]), createRng(2), config, 20, {
      cellsById: new Map([[1, cells]]),
    });
    for (const tuple of tuples) {
      for (const { frames } of tuple.elements) {
        expect(frames[0]!.frame).toBeGreaterThanOrEqual(250 - config.windowFrames);
        // Patches centre near the moving top-left cell, well away from the frame centre (85.5, 64).
        const { crop } = frames[0]!;
        expect(crop.x + crop.w / 2).toBeLessThan(60);
        expect(crop.y + crop.h / 2).toBeLessThan(50);
      }
    }
  });

  it('rejects a negative count or a zero batch size', () => {
    expect(() => sampleEpoch(library, noMotion, createRng(1), clipOrder, -1)).toThrow(RangeError);
    expect(() => sampleEpoch(library, noMotion, createRng(1), clipOrder, 5, { batchSize: 0 })).toThrow(RangeError);
  });
});

describe('sampler registry', () => {
  it('has a sampler for every task whose tuples carry that task id', () => {
    for (const task of TASK_IDS) {
      const config = TASK_PRESETS[task].tiny;
      const sampler = samplerFor(config);
      expect(sampler).toBe(SAMPLERS[task]);
      const tuple = sampler.sample(videoOf(200, 64, 48), null, createRng(task), config);
      expect(tuple).toMatchObject({ task, videoId: 200 });
    }
  });
});
