import { describe, expect, it } from 'vitest';
import { alignByKey, alignmentError, applySimilarity, IDENTITY, procrustes, type PlanePoint, type Similarity } from './procrustes.ts';

/** A scattered, asymmetric cloud (no symmetry a wrong rotation could also fit). */
const CLOUD: PlanePoint[] = [
  { x: 0, y: 0 },
  { x: 3, y: 0.5 },
  { x: 1, y: 2 },
  { x: -2, y: 1.5 },
  { x: -1, y: -3 },
  { x: 4, y: -1 },
  { x: 0.5, y: 5 },
];

function similarity(angle: number, scale: number, translation: PlanePoint, reflect = false): Similarity {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return {
    scale,
    matrix: reflect ? [[c, s], [s, -c]] : [[c, -s], [s, c]],
    reflected: reflect,
    translation,
  };
}

function expectClose(actual: readonly PlanePoint[], expected: readonly PlanePoint[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((p, i) => {
    expect(p.x).toBeCloseTo(expected[i]!.x, 9);
    expect(p.y).toBeCloseTo(expected[i]!.y, 9);
  });
}

describe('orthogonal Procrustes in the plane', () => {
  it('aligns a rotated, scaled and shifted copy back exactly', () => {
    const moved = CLOUD.map((p) => applySimilarity(similarity(1.1, 0.37, { x: 12, y: -4 }), p));
    const fit = procrustes(moved, CLOUD);
    expect(fit.reflected).toBe(false);
    expect(fit.scale).toBeCloseTo(1 / 0.37, 9);
    expectClose(moved.map((p) => applySimilarity(fit, p)), CLOUD);
    expect(alignmentError(fit, moved, CLOUD)).toBeLessThan(1e-9);
  });

  it('aligns a mirrored copy back with a reflection (PCA flips an axis freely)', () => {
    const moved = CLOUD.map((p) => applySimilarity(similarity(-2.3, 4, { x: -1, y: 7 }, true), p));
    const fit = procrustes(moved, CLOUD);
    expect(fit.reflected).toBe(true);
    expect(fit.scale).toBeCloseTo(0.25, 9);
    expectClose(moved.map((p) => applySimilarity(fit, p)), CLOUD);
  });

  it('leaves what no similarity can explain as residual error, and never does worse than translation alone', () => {
    const noisy = CLOUD.map((p, i) => ({ x: p.x * 2 + (i % 2 ? 0.3 : -0.3), y: p.y * 2 }));
    const fit = procrustes(noisy, CLOUD);
    const error = alignmentError(fit, noisy, CLOUD);
    expect(error).toBeGreaterThan(0.01);
    const centreOnly = procrustes(noisy.slice(0, 1), CLOUD.slice(0, 1));
    expect(alignmentError(centreOnly, noisy, CLOUD)).toBeGreaterThan(error);
  });

  it('is the identity with no pair, a translation with one, and refuses unpaired or non-finite points', () => {
    expect(procrustes([], [])).toEqual(IDENTITY);
    const one = procrustes([{ x: 1, y: 2 }], [{ x: 5, y: -1 }]);
    expect(one.scale).toBe(1);
    expect(applySimilarity(one, { x: 1, y: 2 })).toEqual({ x: 5, y: -1 });
    expect(() => procrustes([{ x: 0, y: 0 }], [])).toThrow('1 moving points against 0 target points');
    expect(() => procrustes([{ x: Number.NaN, y: 0 }], [{ x: 0, y: 0 }])).toThrow('finite coordinates');
  });

  it('fits on the keys both sides hold and moves every point of the moving side', () => {
    const reference = CLOUD.map((p, i) => ({ ...p, id: i }));
    const transform = similarity(0.6, 2, { x: 3, y: 3 });
    // The moving side lacks video 0 and has a video 99 the reference does not.
    const moving = [...reference.slice(1), { x: 10, y: 10, id: 99 }].map((p) => ({ ...p, ...applySimilarity(transform, p) }));
    const aligned = alignByKey(reference, moving, (p) => p.id);
    expect(aligned.shared).toBe(CLOUD.length - 1);
    expectClose(aligned.points.slice(0, -1), reference.slice(1));
    expect(aligned.points.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6, 99]);
    expectClose([aligned.points.at(-1)!], [{ x: 10, y: 10 }]);
  });
});
