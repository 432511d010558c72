import { describe, expect, it } from 'vitest';
import { TASK_PRESETS, type SequenceSortingConfig } from '../../../shared/tasks.ts';
import { motionAwarePatch, type CellMotion } from '../motion.ts';
import { orderClassMembers, orderClassOf, permutationRank } from '../permutations.ts';
import { createRng } from '../rng.ts';
import { expectTuple, framesOf, isInside, movingSegment, seeds, videoOf } from '../test-support.ts';
import { sequenceSorting } from './sequence-sorting.ts';
import type { VideoMeta } from './types.ts';

const paper = TASK_PRESETS['sequence-sorting'].paper;
const video = videoOf(300, 171, 128);

const sample = (
  seed: number,
  v: VideoMeta = video,
  config: SequenceSortingConfig = paper,
  motion: Float32Array | null = null,
  cells: CellMotion | null = null,
) => expectTuple(sequenceSorting.sample(v, motion, createRng(seed), config, cells));

/** Per-cell motion that is `level` in one cell of a rows×cols grid, on every frame. */
const hotCell = (frameCount: number, rows: number, cols: number, cell: number): CellMotion => ({
  rows,
  cols,
  frameCount,
  values: Float32Array.from({ length: frameCount * rows * cols }, (_, i) => (i % (rows * cols) === cell ? 10 : 0)),
});

describe('sequence sorting sampler', () => {
  const tuples = seeds(500).map((seed) => sample(seed));

  it('shows four frames of one window in the order detail.order says', () => {
    for (const tuple of tuples) {
      const shown = framesOf(tuple).map(([frame]) => frame!);
      const sorted = shown.slice().sort((a, b) => a - b);
      expect(new Set(shown).size).toBe(4);
      expect(sorted[3]! - sorted[0]!).toBeLessThan(paper.windowFrames);
      expect(shown).toEqual(tuple.detail.order.map((rank) => sorted[rank]));
    }
  });

  it('labels an order and its reverse alike, and the label decodes to the shown order', () => {
    for (const tuple of tuples) {
      const { order } = tuple.detail;
      expect(tuple.label).toBe(orderClassOf(order));
      expect(orderClassOf(order.slice().reverse())).toBe(tuple.label);
      expect(orderClassMembers(4, tuple.label)).toContainEqual(order);
      expect(tuple.classCount).toBe(12);
    }
  });

  it('uses all 24 orders and all 12 classes', () => {
    expect(new Set(tuples.map((tuple) => permutationRank(tuple.detail.order))).size).toBe(24);
    expect(new Set(tuples.map((tuple) => tuple.label)).size).toBe(12);
  });

  it('jitters each frame around one patch, flips the whole tuple, splits channels per frame', () => {
    for (const tuple of tuples) {
      const views = tuple.elements.map((element) => element.frames[0]!);
      const xs = views.map((view) => view.crop.x);
      const ys = views.map((view) => view.crop.y);
      expect(Math.max(...xs) - Math.min(...xs)).toBeLessThanOrEqual(2 * paper.jitter);
      expect(Math.max(...ys) - Math.min(...ys)).toBeLessThanOrEqual(2 * paper.jitter);
      expect(views.every((view) => view.crop.w === 80 && view.crop.h === 80)).toBe(true);
      expect(new Set(views.map((view) => view.flip)).size).toBe(1);
      expect(views.every((view) => view.channel === 0 || view.channel === 1 || view.channel === 2)).toBe(true);
    }
    const flipped = tuples.filter((tuple) => tuple.elements[0]!.frames[0]!.flip).length;
    expect(flipped).toBeGreaterThan(200);
    expect(flipped).toBeLessThan(300);
    const channels = tuples.flatMap((tuple) => tuple.elements.map((element) => element.frames[0]!.channel));
    expect(new Set(channels)).toEqual(new Set([0, 1, 2]));
    expect(tuples.some((tuple) => new Set(tuple.elements.map((e) => e.frames[0]!.channel)).size > 1)).toBe(true);
  });

  it('turns flip and channel splitting off when the config does', () => {
    const plain = { ...paper, flip: false, channelSplit: false };
    for (const seed of seeds(100)) {
      const views = sample(seed, video, plain).elements.map((element) => element.frames[0]!);
      expect(views.every((view) => view.flip === false && view.channel === null)).toBe(true);
    }
  });

  it('keeps jittered crops inside the frame, even when the patch nearly fills it', () => {
    for (const frame of [videoOf(300, 82, 81), videoOf(300, 80, 80), videoOf(300, 171, 128)]) {
      for (const seed of seeds(500)) {
        for (const element of sample(seed, frame).elements) expect(isInside(element.frames[0]!.crop, frame)).toBe(true);
      }
    }
  });

  it('centres the patch on the moving cells when per-cell motion is given', () => {
    const cells = hotCell(300, 4, 4, 15); // bottom-right cell moves
    const patch = motionAwarePatch({ rows: 4, cols: 4, values: cells.values.slice(0, 16) }, video, {
      width: 80,
      height: 80,
    });
    // The hot cell's centre (149.6, 112) lies in the patch, far from the centre crop at (46, 24).
    expect(patch.x).toBeLessThan(149.6);
    expect(patch.x + patch.w).toBeGreaterThan(149.6);
    expect(patch.y).toBeLessThan(112);
    expect(patch.y + patch.h).toBeGreaterThan(112);
    expect(patch.x).toBeGreaterThan(46 + paper.jitter);
    for (const seed of seeds(500)) {
      for (const element of sample(seed, video, paper, null, cells).elements) {
        const { crop } = element.frames[0]!;
        expect(Math.abs(crop.x - patch.x)).toBeLessThanOrEqual(paper.jitter);
        expect(Math.abs(crop.y - patch.y)).toBeLessThanOrEqual(paper.jitter);
      }
    }
    expect(() => sample(1, video, paper, null, hotCell(299, 4, 4, 0))).toThrow(RangeError);
  });

  it('prefers the moving part of the video, and still samples a video that never moves', () => {
    const motion = movingSegment(300, 200, 230);
    const moving = seeds(500).map((seed) => sample(seed, video, paper, motion));
    const touching = moving.filter((tuple) => {
      const frames = framesOf(tuple).flat();
      return Math.max(...frames) >= 200 && Math.min(...frames) < 230;
    });
    // Uniform windows would touch frames 200..229 about 28 % of the time.
    expect(touching.length / moving.length).toBeGreaterThan(0.8);
    const still = seeds(500).map((seed) => Math.min(...framesOf(sample(seed, video, paper, new Float32Array(300))).flat()));
    expect(Math.min(...still)).toBeLessThan(30);
    expect(Math.max(...still)).toBeGreaterThan(220);
  });

  it('skips videos shorter than 3 · minGap + 1 frames', () => {
    expect(sequenceSorting.sample(videoOf(15), null, createRng(1), paper)).toEqual({
      skipped: true,
      reason: 'too-short',
      needed: 16,
      have: 15,
    });
    expect(framesOf(sample(1, videoOf(16, 171, 128))).flat().sort((a, b) => a - b)).toEqual([0, 5, 10, 15]);
  });

  it('is deterministic per seed and varies across seeds', () => {
    expect(seeds(500).map((seed) => sample(seed))).toEqual(tuples);
    expect(new Set(tuples.map((tuple) => JSON.stringify(tuple))).size).toBe(500);
  });
});
