import { describe, expect, it } from 'vitest';
import {
  cumulativeMotion,
  frameDifferenceCells,
  frameDifferenceScores,
  gridOverFrames,
  highMotionWindowStarts,
  motionAwarePatch,
  windowMotion,
  type MotionGrid,
} from './motion.ts';

const size = { width: 8, height: 6 };
const filled = (value: number) => new Uint8Array(size.width * size.height).fill(value);

/** A video whose frames are uniform grey at the given levels. */
const greyLevels = (...levels: number[]) => levels.map(filled);

describe('frameDifferenceScores', () => {
  it('is the mean absolute difference to the previous frame, frame 0 copying frame 1', () => {
    expect([...frameDifferenceScores(greyLevels(10, 20, 20, 5), size)]).toEqual([10, 10, 0, 15]);
  });

  it('averages over the whole frame', () => {
    const changed = filled(0);
    changed.fill(48, 0, 12); // a quarter of the pixels change by 48 → mean 12
    expect([...frameDifferenceScores([filled(0), changed], size)]).toEqual([12, 12]);
  });

  it('reads a flat buffer the same as an array of frames', () => {
    const frames = greyLevels(0, 7, 3, 3, 250);
    const flat = new Uint8Array(frames.length * frames[0]!.length);
    frames.forEach((frame, f) => flat.set(frame, f * frame.length));
    expect(frameDifferenceScores(flat, size)).toEqual(frameDifferenceScores(frames, size));
  });

  it('scores a single frame 0 and no frames as empty', () => {
    expect([...frameDifferenceScores(greyLevels(9), size)]).toEqual([0]);
    expect(frameDifferenceScores([], size)).toHaveLength(0);
  });

  it('rejects frames of the wrong size', () => {
    expect(() => frameDifferenceScores([filled(0), new Uint8Array(3)], size)).toThrow(RangeError);
    expect(() => frameDifferenceScores(new Uint8Array(50), size)).toThrow(RangeError);
  });
});

describe('frameDifferenceCells', () => {
  it('localises motion to the cell where it happens', () => {
    const moved = filled(0);
    for (let y = 3; y < 6; y++) moved.fill(100, y * 8 + 4, y * 8 + 8); // bottom-right quarter
    const cells = frameDifferenceCells([filled(0), moved, moved], size, { rows: 2, cols: 2 });
    expect(cells.frameCount).toBe(3);
    expect([...cells.values]).toEqual([0, 0, 0, 100, 0, 0, 0, 100, 0, 0, 0, 0]);
    expect([...gridOverFrames(cells, 1, 3).values]).toEqual([0, 0, 0, 50]);
  });

  it('with a 1×1 grid equals the frame scores', () => {
    const frames = greyLevels(3, 9, 1);
    expect(frameDifferenceCells(frames, size, { rows: 1, cols: 1 }).values).toEqual(frameDifferenceScores(frames, size));
  });

  it('refuses grids finer than the frame and empty frame ranges', () => {
    expect(() => frameDifferenceCells(greyLevels(0), size, { rows: 7, cols: 2 })).toThrow(RangeError);
    const cells = frameDifferenceCells(greyLevels(0, 1), size, { rows: 2, cols: 2 });
    expect(() => gridOverFrames(cells, 1, 1)).toThrow(RangeError);
    expect(() => gridOverFrames(cells, 0, 3)).toThrow(RangeError);
  });
});

describe('windowMotion', () => {
  it('matches the brute-force mean of every window', () => {
    const scores = Float32Array.from({ length: 40 }, (_, i) => (i * 37) % 11);
    const cumulative = cumulativeMotion(scores);
    for (let start = 0; start < 40; start++) {
      for (let length = 1; start + length <= 40; length++) {
        const expected = scores.slice(start, start + length).reduce((a, b) => a + b, 0) / length;
        expect(windowMotion(cumulative, start, length)).toBeCloseTo(expected, 9);
      }
    }
  });

  it('rejects windows outside the video', () => {
    const cumulative = cumulativeMotion(new Float32Array(5));
    expect(() => windowMotion(cumulative, 3, 3)).toThrow(RangeError);
    expect(() => windowMotion(cumulative, -1, 2)).toThrow(RangeError);
    expect(() => windowMotion(cumulative, 0, 0)).toThrow(RangeError);
  });
});

describe('highMotionWindowStarts', () => {
  /** 100 still frames with frames 40..59 moving. */
  const oneMovingSegment = Float32Array.from({ length: 100 }, (_, i) => (i >= 40 && i < 60 ? 20 : 0));

  it('keeps only windows that contain the movement', () => {
    const starts = [...highMotionWindowStarts(oneMovingSegment, 10)];
    expect(starts.length).toBeGreaterThan(0);
    // A 10-frame window starting at s sees differences at s+1..s+9.
    for (const start of starts) expect(start + 9 >= 40 && start + 1 < 60).toBe(true);
  });

  it('keeps the top fraction when everything moves', () => {
    const ramp = Float32Array.from({ length: 101 }, (_, i) => i);
    const starts = [...highMotionWindowStarts(ramp, 2, { topFraction: 0.1 })];
    expect(starts).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
  });

  it('drops windows at or below the still level', () => {
    const noisy = Float32Array.from(oneMovingSegment, (score) => score + 0.5);
    const starts = [...highMotionWindowStarts(noisy, 10, { topFraction: 1, stillLevel: 0.5 })];
    expect(Math.min(...starts)).toBe(31);
    expect(Math.max(...starts)).toBe(58);
  });

  it('falls back to every start when nothing moves, and to none when the video is too short', () => {
    expect([...highMotionWindowStarts(new Float32Array(12), 10)]).toEqual([0, 1, 2]);
    expect(highMotionWindowStarts(new Float32Array(9), 10)).toHaveLength(0);
    expect(() => highMotionWindowStarts(new Float32Array(9), 2, { topFraction: 0 })).toThrow(RangeError);
  });
});

describe('motionAwarePatch', () => {
  const frame = { width: 160, height: 120 };
  const grid = (rows: number, cols: number, hot: Record<number, number> = {}): MotionGrid => ({
    rows,
    cols,
    values: Float32Array.from({ length: rows * cols }, (_, i) => hot[i] ?? 0),
  });

  it('centres the patch on the moving region', () => {
    // 4×4 grid of 40×30 cells; motion in cell (1, 2) → pixels x 80..120, y 30..60.
    const crop = motionAwarePatch(grid(4, 4, { 6: 5 }), frame, { width: 40, height: 30 });
    expect(crop).toEqual({ x: 80, y: 30, w: 40, h: 30 });
  });

  it('prefers the block with the most total motion', () => {
    // Cells 0 and 1 move 3 each (block sum 6), cell 15 moves 7: a 2×2-cell patch must cover cell 15.
    const crop = motionAwarePatch(grid(4, 4, { 0: 3, 1: 3, 15: 7 }), frame, { width: 80, height: 60 });
    expect(crop).toEqual({ x: 80, y: 60, w: 80, h: 60 });
  });

  it('stays inside the frame when the motion is at a border', () => {
    const crop = motionAwarePatch(grid(8, 8, { 63: 9 }), frame, { width: 80, height: 80 });
    expect(crop.x + crop.w).toBeLessThanOrEqual(160);
    expect(crop.y + crop.h).toBeLessThanOrEqual(120);
    expect(crop).toEqual({ x: 80, y: 40, w: 80, h: 80 });
  });

  it('takes the centre crop when nothing moves', () => {
    expect(motionAwarePatch(grid(6, 6), frame, { width: 80, height: 60 })).toEqual({ x: 40, y: 30, w: 80, h: 60 });
  });

  it('shrinks a patch larger than the frame to the whole frame', () => {
    expect(motionAwarePatch(grid(2, 2, { 3: 1 }), frame, { width: 400, height: 400 })).toEqual({
      x: 0,
      y: 0,
      w: 160,
      h: 120,
    });
  });
});
