import { describe, expect, it } from 'vitest';
import type { FrameView } from '../tasks/samplers/types.ts';
import { cropResize, flipHorizontal, renderView, splitChannel, writeUnitFloats } from './augment.ts';
import { patternByte, patternFrame } from './test-support.ts';

/** A 4×2 frame whose red channel is 10·x + y, green 100 + x, blue 200 + y. */
const W = 4;
const H = 2;
const frame = Uint8Array.from({ length: W * H * 3 }, (_, i) => {
  const [pixel, c] = [Math.floor(i / 3), i % 3];
  const [x, y] = [pixel % W, Math.floor(pixel / W)];
  return [10 * x + y, 100 + x, 200 + y][c] as number;
});

const pixelsOf = (rgb: Uint8Array) => Array.from({ length: rgb.length / 3 }, (_, i) => Array.from(rgb.subarray(i * 3, i * 3 + 3)));

describe('cropResize', () => {
  it('copies the crop exactly when the output has the crop’s size', () => {
    const out = cropResize(frame, W, H, { x: 1, y: 0, w: 2, h: 2 }, 2, 2);
    expect(pixelsOf(out)).toEqual([
      [10, 101, 200], [20, 102, 200],
      [11, 101, 201], [21, 102, 201],
    ]);
  });

  it('halves by averaging neighbours (pixel centres aligned)', () => {
    // Output pixel 0 sits at source x = 0.5, between columns 0 and 1; pixel 1 at x = 2.5.
    const out = cropResize(frame, W, H, { x: 0, y: 0, w: 4, h: 1 }, 2, 1);
    expect(pixelsOf(out)).toEqual([[5, 101, 200], [25, 103, 200]]);
  });

  it('doubles with bilinear weights and never samples outside the crop', () => {
    const out = cropResize(frame, W, H, { x: 1, y: 0, w: 2, h: 1 }, 4, 1);
    // Source positions −0.25 → 0 (clamped), 0.25, 0.75, 1.25 → 1 (clamped), inside columns 1..2 only.
    expect(pixelsOf(out).map((pixel) => pixel[0])).toEqual([10, 13, 18, 20]);
  });

  it('refuses crops outside the frame and frames of the wrong size', () => {
    expect(() => cropResize(frame, W, H, { x: 3, y: 0, w: 2, h: 1 }, 2, 1)).toThrow(RangeError);
    expect(() => cropResize(frame, W, H, { x: 0, y: 0, w: 1.5, h: 1 }, 2, 1)).toThrow(RangeError);
    expect(() => cropResize(frame.subarray(3), W, H, { x: 0, y: 0, w: 1, h: 1 }, 1, 1)).toThrow(RangeError);
  });
});

describe('flipHorizontal and splitChannel', () => {
  it('mirrors each row', () => {
    expect(pixelsOf(flipHorizontal(frame, W, H)).map((pixel) => pixel[0])).toEqual([30, 20, 10, 0, 31, 21, 11, 1]);
  });

  it('copies the chosen channel into all three', () => {
    expect(pixelsOf(splitChannel(frame, 1)).slice(0, 2)).toEqual([[100, 100, 100], [101, 101, 101]]);
    expect(pixelsOf(splitChannel(frame, 2))[W]).toEqual([201, 201, 201]);
  });
});

describe('renderView', () => {
  it('crops, resizes, mirrors, then splits channels', () => {
    const rgb = patternFrame(3, 5, 16, 12);
    const view: FrameView = { frame: 5, crop: { x: 2, y: 3, w: 8, h: 6 }, flip: true, channel: 2 };
    const out = renderView(rgb, { width: 16, height: 12 }, view, { width: 8, height: 6 });
    // Same size, so output (x, y) is source (2 + 7 − x, 3 + y), channel 2 everywhere.
    for (const [x, y] of [[0, 0], [7, 5], [3, 2]] as const) {
      const expected = patternByte(3, 5, 2 + 7 - x, 3 + y, 2);
      expect(Array.from(out.subarray((y * 8 + x) * 3, (y * 8 + x) * 3 + 3))).toEqual([expected, expected, expected]);
    }
  });

  it('leaves colours and orientation alone for a plain view', () => {
    const rgb = patternFrame(1, 0, 6, 4);
    const view: FrameView = { frame: 0, crop: { x: 0, y: 0, w: 6, h: 4 }, flip: false, channel: null };
    expect(renderView(rgb, { width: 6, height: 4 }, view, { width: 6, height: 4 })).toEqual(rgb);
  });
});

it('writeUnitFloats scales bytes to [0, 1] at an offset', () => {
  const target = new Float32Array(5);
  writeUnitFloats(Uint8Array.of(0, 255, 51), target, 2);
  expect(Array.from(target)).toEqual([0, 0, 0, 1, Math.fround(0.2)]);
});
