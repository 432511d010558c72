import { describe, expect, it } from 'vitest';
import { UNLABELLED_COLOUR, fitToBox, labelColours } from './map-scale.ts';

const box = { width: 200, height: 100, padding: 10 };

describe('fitToBox', () => {
  it('fills the box with one scale for both axes, centred, y up', () => {
    const points = [
      { x: -1, y: -1 },
      { x: 3, y: 1 },
    ];
    const place = fitToBox(points, box);
    // x spans 4 → 180 px would give 45 px/unit; y spans 2 → 80 px gives 40: the smaller one wins.
    expect(place({ x: -1, y: -1 })).toEqual({ x: 20, y: 90 });
    expect(place({ x: 3, y: 1 })).toEqual({ x: 180, y: 10 });
    expect(place({ x: 1, y: 0 })).toEqual({ x: 100, y: 50 });
  });

  it('keeps every point inside the padding', () => {
    const points = Array.from({ length: 50 }, (_, i) => ({ x: Math.sin(i) * 1e6, y: Math.cos(i * 3) * 7 }));
    const place = fitToBox(points, box);
    for (const point of points) {
      const { x, y } = place(point);
      expect(x).toBeGreaterThanOrEqual(10 - 1e-9);
      expect(x).toBeLessThanOrEqual(190 + 1e-9);
      expect(y).toBeGreaterThanOrEqual(10 - 1e-9);
      expect(y).toBeLessThanOrEqual(90 + 1e-9);
    }
  });

  it('centres a single point and a flat line', () => {
    expect(fitToBox([{ x: 5, y: 5 }], box)({ x: 5, y: 5 })).toEqual({ x: 100, y: 50 });
    const line = fitToBox(
      [
        { x: 0, y: 2 },
        { x: 10, y: 2 },
      ],
      box,
    );
    expect(line({ x: 0, y: 2 })).toEqual({ x: 10, y: 50 });
    expect(line({ x: 10, y: 2 })).toEqual({ x: 190, y: 50 });
    expect(fitToBox([], box)({ x: 0, y: 0 })).toEqual({ x: 100, y: 50 });
  });
});

describe('labelColours', () => {
  it('gives each label its own colour, the same whatever the order, grey for unlabelled', () => {
    const a = labelColours(['walk', 'run', null, 'walk', 'jump']);
    const b = labelColours(['jump', null, 'run', 'walk']);
    expect([...a.keys()].sort()).toEqual(['jump', 'run', 'walk', null].sort());
    expect(a).toEqual(b);
    expect(new Set(a.values()).size).toBe(4);
    expect(a.get(null)).toBe(UNLABELLED_COLOUR);
    expect(labelColours(['a']).has(null)).toBe(false);
  });

  it('keeps colours distinct beyond the palette', () => {
    const labels = Array.from({ length: 25 }, (_, i) => `class${String(i).padStart(2, '0')}`);
    expect(new Set(labelColours(labels).values()).size).toBe(25);
  });
});
