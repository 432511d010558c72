import { describe, expect, it } from 'vitest';
import { framesNeeded, TASK_PRESETS, type ClipOrderConfig } from '../../../shared/tasks.ts';
import { permutationFromRank, permutationRank } from '../permutations.ts';
import { createRng } from '../rng.ts';
import {
  chiSquareBound,
  chiSquareUniform,
  expectTuple,
  framesOf,
  histogram,
  isInside,
  seeds,
  videoOf,
} from '../test-support.ts';
import { clipOrder } from './clip-order.ts';
import type { VideoMeta } from './types.ts';

const paper = TASK_PRESETS['clip-order'].paper;

const sample = (seed: number, video: VideoMeta, config: ClipOrderConfig = paper) =>
  expectTuple(clipOrder.sample(video, null, createRng(seed), config));

/** Videos of 64 to 263 frames at VCOP's decoded size. */
const videoFor = (seed: number) => videoOf(64 + (seed % 200), 171, 128);

describe('clip order sampler', () => {
  const tuples = seeds(500).map((seed) => ({ video: videoFor(seed), tuple: sample(seed, videoFor(seed)) }));

  it('spans clips · clipLength + (clips − 1) · interval = 64 frames inside the video', () => {
    expect(framesNeeded(paper)).toBe(64);
    for (const { video, tuple } of tuples) {
      const all = framesOf(tuple).flat();
      expect(Math.max(...all) - Math.min(...all) + 1).toBe(64);
      expect(Math.min(...all)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...all)).toBeLessThan(video.frameCount);
    }
  });

  it('shows 16 consecutive frames per clip, clips 24 frames apart, in the order the label encodes', () => {
    for (const { tuple } of tuples) {
      const clips = framesOf(tuple);
      const start = Math.min(...clips.flat());
      expect(tuple.detail.order).toEqual(permutationFromRank(3, tuple.label));
      expect(permutationRank(tuple.detail.order)).toBe(tuple.label);
      clips.forEach((frames, position) => {
        const clipStart = start + tuple.detail.order[position]! * 24;
        expect(frames).toEqual(Array.from({ length: 16 }, (_, i) => clipStart + i));
      });
      expect(tuple.classCount).toBe(6);
    }
  });

  it('uses all 6 orders about equally often', () => {
    const counts = histogram(
      tuples.map(({ tuple }) => tuple.label),
      6,
    );
    expect(counts.every((count) => count > 0)).toBe(true);
    expect(chiSquareUniform(counts)).toBeLessThan(chiSquareBound(5));
  });

  it('starts uniformly over the valid starts', () => {
    const video = videoOf(70, 171, 128); // 7 valid starts
    const starts = seeds(700).map((seed) => Math.min(...framesOf(sample(seed, video)).flat()));
    expect(chiSquareUniform(histogram(starts, 7))).toBeLessThan(chiSquareBound(6));
  });

  it('gives each clip one random crop shared by its frames, inside the frame', () => {
    let clipsWithDifferentCrops = 0;
    for (const { video, tuple } of tuples) {
      const crops = tuple.elements.map((element) => {
        expect(new Set(element.frames.map((view) => JSON.stringify(view.crop))).size).toBe(1);
        return element.frames[0]!.crop;
      });
      crops.forEach((crop) => expect(isInside(crop, video)).toBe(true));
      expect(crops.every((crop) => crop.w === 112 && crop.h === 112)).toBe(true);
      if (new Set(crops.map((crop) => JSON.stringify(crop))).size > 1) clipsWithDifferentCrops++;
    }
    expect(clipsWithDifferentCrops).toBeGreaterThan(450);
  });

  it('centre-crops every clip in eval mode', () => {
    const video = videoOf(100, 171, 128);
    for (const seed of seeds(50)) {
      const views = sample(seed, video, { ...paper, mode: 'eval' }).elements.flatMap((element) => element.frames);
      expect(views.every((view) => view.crop.x === 30 && view.crop.y === 8)).toBe(true);
    }
  });

  it('skips videos shorter than 64 frames and uses frame 0 for exactly 64', () => {
    expect(clipOrder.sample(videoOf(63), null, createRng(1), paper)).toEqual({
      skipped: true,
      reason: 'too-short',
      needed: 64,
      have: 63,
    });
    for (const seed of seeds(20)) expect(Math.min(...framesOf(sample(seed, videoOf(64))).flat())).toBe(0);
  });

  it('is deterministic per seed and varies across seeds', () => {
    expect(seeds(500).map((seed) => sample(seed, videoFor(seed)))).toEqual(tuples.map(({ tuple }) => tuple));
    expect(new Set(tuples.map(({ tuple }) => JSON.stringify(tuple))).size).toBe(500);
  });
});
