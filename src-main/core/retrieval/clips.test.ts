import { describe, expect, it } from 'vitest';
import { clipWindows } from './clips.ts';

describe('clipWindows', () => {
  it('spreads 10 clips of 16 frames evenly from the first to the last possible start', () => {
    const windows = clipWindows(160, 10, 16, 25);
    const starts = windows.map((window) => window.frames[0]);
    expect(starts).toEqual([0, 16, 32, 48, 64, 80, 96, 112, 128, 144]);
    expect(windows[9]?.frames.at(-1)).toBe(159);
    expect(windows[0]?.span).toEqual({ index: 0, startSeconds: 0, endSeconds: 16 / 25 });
    for (const window of windows) expect(window.frames).toEqual(Array.from({ length: 16 }, (_, i) => (window.frames[0] as number) + i));
  });

  it('centres are at length/2 … frameCount − length/2 on uneven lengths', () => {
    const windows = clipWindows(101, 10, 16, 25);
    const centres = windows.map((window) => (window.frames[0] as number) + 8);
    expect(centres[0]).toBe(8);
    expect(centres[9]).toBe(101 - 8);
    const gaps = centres.slice(1).map((centre, i) => centre - (centres[i] as number));
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
  });

  it('repeats the last frame when the video is shorter than a clip', () => {
    const windows = clipWindows(5, 3, 8, 10);
    for (const window of windows) expect(window.frames).toEqual([0, 1, 2, 3, 4, 4, 4, 4]);
    expect(windows[0]?.span.endSeconds).toBe(0.5);
  });

  it('refuses empty videos and bad clip shapes', () => {
    expect(() => clipWindows(0, 10, 16, 25)).toThrow(/at least one frame/);
    expect(() => clipWindows(10, 0, 16, 25)).toThrow(RangeError);
    expect(() => clipWindows(10, 2, 1.5, 25)).toThrow(RangeError);
  });
});
