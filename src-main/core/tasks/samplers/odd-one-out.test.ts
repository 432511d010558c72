import { describe, expect, it } from 'vitest';
import { TASK_PRESETS } from '../../../shared/tasks.ts';
import { createRng } from '../rng.ts';
import {
  chiSquareBound,
  chiSquareUniform,
  expectTuple,
  framesOf,
  histogram,
  isInside,
  isStrictlyIncreasing,
  movingSegment,
  seeds,
  videoOf,
} from '../test-support.ts';
import { oddOneOut } from './odd-one-out.ts';
import type { VideoMeta } from './types.ts';

const paper = TASK_PRESETS['odd-one-out'].paper;
const video = videoOf(300);

const sample = (seed: number, v: VideoMeta = video, motion: Float32Array | null = null, config = paper) =>
  expectTuple(oddOneOut.sample(v, motion, createRng(seed), config));

/** True when the frames are an evenly strided run, stride apart, in time order. */
const isStridedRun = (frames: number[], stride: number) =>
  frames.every((frame, i) => i === 0 || frame - frames[i - 1]! === stride);

describe('odd-one-out sampler', () => {
  const tuples = seeds(600).map((seed) => sample(seed));

  it('asks N + 1 questions of framesPerSubsequence frames, labelled by the odd position', () => {
    for (const tuple of tuples) {
      expect(tuple.elements).toHaveLength(6);
      expect(tuple.elements.every((element) => element.frames.length === 6)).toBe(true);
      expect(tuple.classCount).toBe(6);
      expect(tuple.label).toBe(tuple.detail.oddIndex);
      expect(tuple.explanation).toContain(`Subsequence ${tuple.label + 1} of 6 is the odd one`);
    }
  });

  it('shows the odd subsequence out of order and every other one in order', () => {
    for (const tuple of tuples) {
      framesOf(tuple).forEach((frames, index) => {
        const sorted = frames.slice().sort((a, b) => a - b);
        expect(isStridedRun(sorted, paper.frameStride)).toBe(true);
        expect(sorted[0]).toBeGreaterThanOrEqual(0);
        expect(sorted[5]).toBeLessThan(video.frameCount);
        if (index === tuple.label) {
          expect(isStrictlyIncreasing(frames)).toBe(false);
          expect(isStrictlyIncreasing(tuple.detail.oddOrder)).toBe(false);
          expect(frames).toEqual(tuple.detail.oddOrder.map((rank) => sorted[rank]));
        } else {
          expect(frames).toEqual(sorted);
        }
      });
    }
  });

  it('puts the odd one at every position about equally often', () => {
    const counts = histogram(
      tuples.map((tuple) => tuple.label),
      6,
    );
    expect(counts.every((count) => count > 0)).toBe(true);
    expect(chiSquareUniform(counts)).toBeLessThan(chiSquareBound(5));
  });

  it('finds a wrong order even with two frames per subsequence', () => {
    const pairs = { ...paper, framesPerSubsequence: 2 };
    for (const seed of seeds(100)) expect(sample(seed, video, null, pairs).detail.oddOrder).toEqual([1, 0]);
  });

  it('shares one crop per subsequence, inside the frame', () => {
    const small = videoOf(300, 230, 228);
    for (const seed of seeds(500)) {
      for (const element of sample(seed, small).elements) {
        const crops = new Set(element.frames.map((view) => JSON.stringify(view.crop)));
        expect(crops.size).toBe(1);
        expect(isInside(element.frames[0]!.crop, small)).toBe(true);
      }
    }
  });

  it('prefers the moving part of the video, and still samples a video that never moves', () => {
    const motion = movingSegment(300, 50, 80);
    const subsequences = seeds(500).flatMap((seed) => framesOf(sample(seed, video, motion)));
    const touching = subsequences.filter((frames) => Math.max(...frames) >= 50 && Math.min(...frames) < 80);
    // Every motion-aware subsequence start sees the moving frames in its inner differences.
    expect(touching.length).toBe(subsequences.length);
    const still = seeds(500).flatMap((seed) => framesOf(sample(seed, video, new Float32Array(300))).flat());
    expect(Math.min(...still)).toBeLessThan(10);
    expect(Math.max(...still)).toBeGreaterThan(290);
  });

  it('skips videos shorter than one subsequence', () => {
    expect(oddOneOut.sample(videoOf(15), null, createRng(1), paper)).toEqual({
      skipped: true,
      reason: 'too-short',
      needed: 16,
      have: 15,
    });
    expect(framesOf(sample(1, videoOf(16))).map((frames) => frames.slice().sort((a, b) => a - b)[0])).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
  });

  it('never repeats a subsequence where the video has room, and says so where it has not', () => {
    for (const tuple of tuples) {
      const starts = framesOf(tuple).map((frames) => Math.min(...frames));
      expect(new Set(starts).size).toBe(6);
      expect(tuple.explanation).not.toContain('repeat');
    }
    // 18 frames hold 3 distinct starts of a 16-frame subsequence: the other 3 of 6 must repeat.
    for (const seed of seeds(50)) {
      const tuple = sample(seed, videoOf(18));
      const starts = framesOf(tuple).map((frames) => Math.min(...frames));
      expect(new Set(starts).size).toBe(3);
      expect(tuple.explanation).toMatch(/Subsequences \d, \d, \d repeat the frames of an earlier one: the video is too short/);
    }
  });

  it('is deterministic per seed and varies across seeds', () => {
    expect(seeds(600).map((seed) => sample(seed))).toEqual(tuples);
    expect(new Set(tuples.map((tuple) => JSON.stringify(tuple))).size).toBe(600);
  });
});
