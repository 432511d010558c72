import { describe, expect, it } from 'vitest';
import { framesNeeded, TASK_PRESETS } from '../../../shared/tasks.ts';
import { createRng } from '../rng.ts';
import {
  expectTuple,
  framesOf,
  isInside,
  isStrictlyIncreasing,
  movingSegment,
  seeds,
  videoOf,
} from '../test-support.ts';
import { batchKinds, orderVerification } from './order-verification.ts';
import type { Tuple, VideoMeta } from './types.ts';

const paper = TASK_PRESETS['order-verification'].paper;
const tiny = TASK_PRESETS['order-verification'].tiny;
const video = videoOf(300);

const sample = (seed: number, v: VideoMeta = video, motion: Float32Array | null = null, config = paper) =>
  expectTuple(orderVerification.sample(v, motion, createRng(seed), config));

const middleFor = (tuple: Tuple<'order-verification'>) => {
  const [a, , c, , e] = tuple.detail.candidates;
  return { positive: c, 'negative-before': a, 'negative-after': e }[tuple.detail.kind];
};

describe('order verification sampler', () => {
  const tuples = seeds(500).map((seed) => sample(seed));

  it('picks a < b < c < d < e, minGap apart, inside one window', () => {
    for (const { detail } of tuples) {
      const c = detail.candidates;
      expect(isStrictlyIncreasing(c)).toBe(true);
      c.slice(1).forEach((frame, i) => expect(frame - c[i]!).toBeGreaterThanOrEqual(paper.minGap));
      expect(c[4]! - c[0]!).toBeLessThan(paper.windowFrames);
      expect(c[0]).toBeGreaterThanOrEqual(0);
      expect(c[4]).toBeLessThan(video.frameCount);
    }
  });

  it('always shows b first and d last; only the middle frame depends on the kind', () => {
    for (const tuple of tuples) {
      const shown = framesOf(tuple).map(([frame]) => frame);
      expect(shown).toEqual([tuple.detail.candidates[1], middleFor(tuple), tuple.detail.candidates[3]]);
    }
    expect(new Set(tuples.map((tuple) => tuple.detail.kind))).toEqual(
      new Set(['positive', 'negative-before', 'negative-after']),
    );
  });

  it('labels 1 exactly the tuples shown in time order', () => {
    for (const tuple of tuples) {
      const inOrder = isStrictlyIncreasing(framesOf(tuple).map(([frame]) => frame!));
      expect(tuple.label).toBe(inOrder ? 1 : 0);
      expect(tuple.classCount).toBe(2);
      expect(tuple.explanation).toMatch(inOrder ? /^Correct order \(b, c, d\)/ : /^Wrong order \(b, [ae], d\)/);
    }
  });

  it('draws negatives with probability negativeRatio, both kinds evenly', () => {
    const many = seeds(2000).map((seed) => sample(seed, videoOf(120), null, tiny));
    const before = many.filter((tuple) => tuple.detail.kind === 'negative-before').length;
    const after = many.filter((tuple) => tuple.detail.kind === 'negative-after').length;
    // Binomial(2000, 0.75): sd ≈ 19.4; 6 sd never fails by chance. Halves of ~1500: sd ≈ 19.4 too.
    expect(Math.abs(before + after - 1500)).toBeLessThan(117);
    expect(Math.abs(before - after)).toBeLessThan(2 * 117);
  });

  it('shares one crop, inside the frame, across the tuple', () => {
    const odd = videoOf(300, 229, 227);
    for (const seed of seeds(500)) {
      const tuple = sample(seed, odd);
      const crops = tuple.elements.map((element) => element.frames[0]!.crop);
      expect(new Set(crops.map((crop) => JSON.stringify(crop))).size).toBe(1);
      expect(isInside(crops[0]!, odd)).toBe(true);
      expect(crops[0]).toMatchObject({ w: 227, h: 227 });
      expect(tuple.outputSize).toEqual({ width: 227, height: 227 });
      expect(tuple.elements.every(({ frames }) => frames[0]!.flip === false && frames[0]!.channel === null)).toBe(true);
    }
  });

  it('prefers the moving part of the video, and still samples a video that never moves', () => {
    const motion = movingSegment(300, 100, 140);
    const moving = seeds(500).map((seed) => sample(seed, video, motion, tiny));
    // Only windows whose inner differences touch frames 100..139 qualify (starts 71..138).
    for (const { detail } of moving) {
      expect(detail.candidates[0]).toBeGreaterThanOrEqual(71);
      expect(detail.candidates[4]).toBeLessThanOrEqual(138 + tiny.windowFrames - 1);
    }
    const touching = moving.filter(({ detail }) => detail.candidates[4]! >= 100 && detail.candidates[0]! < 140);
    // Uniform windows would touch the segment about 25 % of the time.
    expect(touching.length / moving.length).toBeGreaterThan(0.8);

    const still = seeds(500).map((seed) => sample(seed, video, new Float32Array(300), tiny));
    const firsts = still.map(({ detail }) => detail.candidates[0]!);
    expect(Math.min(...firsts)).toBeLessThan(30);
    expect(Math.max(...firsts)).toBeGreaterThan(240);
  });

  it('skips videos shorter than 4 · minGap + 1 frames and shrinks the window for short ones', () => {
    expect(framesNeeded(paper)).toBe(61);
    expect(orderVerification.sample(videoOf(60), null, createRng(1), paper)).toEqual({
      skipped: true,
      reason: 'too-short',
      needed: 61,
      have: 60,
    });
    for (const seed of seeds(20)) expect(sample(seed, videoOf(61)).detail.candidates).toEqual([0, 15, 30, 45, 60]);
  });

  it('is deterministic per seed and varies across seeds', () => {
    expect(seeds(500).map((seed) => sample(seed))).toEqual(tuples);
    expect(new Set(tuples.map((tuple) => JSON.stringify(tuple))).size).toBeGreaterThan(495);
  });
});

describe('exact negatives per batch', () => {
  it('batchKinds has exactly round(ratio · size) negatives, shuffled', () => {
    for (const seed of seeds(50)) {
      for (const size of [1, 2, 3, 7, 8, 64, 128]) {
        const kinds = batchKinds(size, 0.75, createRng(seed).fork(size));
        expect(kinds.filter((kind) => kind !== 'positive')).toHaveLength(Math.round(0.75 * size));
      }
    }
    const firstPositive = seeds(50).map((seed) => batchKinds(128, 0.75, createRng(seed)).indexOf('positive'));
    expect(new Set(firstPositive).size).toBeGreaterThan(5);
  });

  it('sampleBatch applies it to a batch of videos', () => {
    const slots = Array.from({ length: 128 }, (_, i) => ({ video: videoOf(100 + i), motion: null, cells: null }));
    for (const seed of seeds(20)) {
      const batch = orderVerification.sampleBatch(slots, createRng(seed), tiny);
      expect(batch.map((tuple) => tuple.videoId)).toEqual(slots.map((slot) => slot.video.id));
      expect(batch.filter((tuple) => tuple.label === 0)).toHaveLength(96);
    }
  });
});
