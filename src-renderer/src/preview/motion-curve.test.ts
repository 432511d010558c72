import { describe, expect, it } from 'vitest';
import { displaySize, frameX, motionPoints } from './motion-curve.ts';

const parse = (points: string) => points.split(' ').map((p) => p.split(',').map(Number) as [number, number]);

describe('frameX', () => {
  it('spans the first to the last frame across the width, clamped', () => {
    expect(frameX(0, 101, 200)).toBe(0);
    expect(frameX(50, 101, 200)).toBe(100);
    expect(frameX(100, 101, 200)).toBe(200);
    expect(frameX(500, 101, 200)).toBe(200);
    expect(frameX(-3, 101, 200)).toBe(0);
    expect(frameX(0, 1, 200)).toBe(100);
  });
});

describe('motionPoints', () => {
  it('scales the largest value to the top and zero to the bottom, inside the padding', () => {
    const points = parse(motionPoints([0, 5, 10, 5], { width: 30, height: 24, padY: 2 }));
    expect(points).toEqual([
      [0, 22],
      [10, 12],
      [20, 2],
      [30, 12],
    ]);
  });

  it('draws a flat line at the bottom for no motion, and treats bad values as 0', () => {
    expect(parse(motionPoints([0, 0, 0], { width: 10, height: 10, padY: 0 }))).toEqual([
      [0, 10],
      [5, 10],
      [10, 10],
    ]);
    const points = parse(motionPoints([Number.NaN, -1, 4], { width: 10, height: 10, padY: 0 }));
    expect(points.map(([, y]) => y)).toEqual([10, 10, 0]);
    expect(motionPoints([], { width: 10, height: 10 })).toBe('');
  });

  it('keeps one point per pixel for long series, with each bucket’s peak', () => {
    const motion = Array.from({ length: 1000 }, (_, i) => (i === 503 ? 9 : 1));
    const points = parse(motionPoints(motion, { width: 100, height: 90, padY: 0 }));
    expect(points).toHaveLength(100);
    expect(points.filter(([, y]) => y === 0)).toHaveLength(1); // the spike survives
    expect(points[0]![0]).toBeGreaterThanOrEqual(0);
    expect(points.at(-1)![0]).toBeLessThanOrEqual(100);
    expect(points.every(([x], i) => i === 0 || x > points[i - 1]![0])).toBe(true);
  });
});

describe('displaySize', () => {
  it('enlarges by whole multiples and shrinks to the target', () => {
    expect(displaySize(40, 160)).toEqual({ px: 160, scale: 4 });
    expect(displaySize(32, 100)).toEqual({ px: 96, scale: 3 });
    expect(displaySize(227, 160)).toEqual({ px: 160, scale: 160 / 227 });
    expect(displaySize(160, 160)).toEqual({ px: 160, scale: 1 });
    expect(displaySize(0, 160)).toEqual({ px: 160, scale: 1 });
  });
});
