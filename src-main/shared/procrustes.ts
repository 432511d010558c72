/**
 * Orthogonal Procrustes in the plane: the similarity transform (rotation or reflection, one uniform
 * scale, a translation) that lays one 2-D embedding over another as closely as least squares allows.
 * Two maps of the same videos from different runs differ by such a transform even when the runs agree
 * (PCA's axes have arbitrary signs and order), so aligning them first lets the eye compare what
 * differs. Closed form for 2×2 (no SVD needed). Pure.
 */

export interface PlanePoint {
  x: number;
  y: number;
}

export interface Similarity {
  /** Uniform scale (≥ 0). */
  scale: number;
  /** The orthogonal part as [[a, b], [c, d]] acting on column vectors. */
  matrix: readonly [readonly [number, number], readonly [number, number]];
  /** True when the orthogonal part is a reflection (determinant −1). */
  reflected: boolean;
  translation: PlanePoint;
}

export const IDENTITY: Similarity = { scale: 1, matrix: [[1, 0], [0, 1]], reflected: false, translation: { x: 0, y: 0 } };

/** `point` moved by `transform`. */
export function applySimilarity(transform: Similarity, point: PlanePoint): PlanePoint {
  const [[a, b], [c, d]] = transform.matrix;
  return {
    x: transform.scale * (a * point.x + b * point.y) + transform.translation.x,
    y: transform.scale * (c * point.x + d * point.y) + transform.translation.y,
  };
}

function mean(points: readonly PlanePoint[]): PlanePoint {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

/**
 * The transform T minimising Σ |T(moving[i]) − target[i]|² over rotations and reflections, a uniform
 * scale and a translation. `moving` and `target` are paired by index. With no pair it is the
 * identity; with one pair, or all moving points equal, a translation only.
 */
export function procrustes(moving: readonly PlanePoint[], target: readonly PlanePoint[]): Similarity {
  if (moving.length !== target.length) {
    throw new Error(`Procrustes pairs points: ${moving.length} moving points against ${target.length} target points.`);
  }
  if (moving.length === 0) return IDENTITY;
  for (const p of [...moving, ...target]) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new Error('Procrustes needs finite coordinates.');
  }
  const mb = mean(moving);
  const ma = mean(target);
  // Cross-covariance terms of the centred pairs (b moving, a target) and the moving spread.
  let dot = 0; // Σ ax bx + ay by
  let cross = 0; // Σ ay bx − ax by
  let mirrorDot = 0; // Σ ax bx − ay by
  let mirrorCross = 0; // Σ ax by + ay bx
  let spread = 0; // Σ |b|²
  for (let i = 0; i < moving.length; i++) {
    const bx = moving[i]!.x - mb.x;
    const by = moving[i]!.y - mb.y;
    const ax = target[i]!.x - ma.x;
    const ay = target[i]!.y - ma.y;
    dot += ax * bx + ay * by;
    cross += ay * bx - ax * by;
    mirrorDot += ax * bx - ay * by;
    mirrorCross += ax * by + ay * bx;
    spread += bx * bx + by * by;
  }
  const turn = Math.hypot(dot, cross);
  const mirror = Math.hypot(mirrorDot, mirrorCross);
  let matrix: Similarity['matrix'] = [[1, 0], [0, 1]];
  let reflected = false;
  let fit = 0;
  if (mirror > turn) {
    // Reflection [[c, s], [s, −c]] with (c, s) along (mirrorDot, mirrorCross).
    const c = mirrorDot / mirror;
    const s = mirrorCross / mirror;
    matrix = [[c, s], [s, -c]];
    reflected = true;
    fit = mirror;
  } else if (turn > 0) {
    // Rotation [[c, −s], [s, c]] with (c, s) along (dot, cross).
    const c = dot / turn;
    const s = cross / turn;
    matrix = [[c, -s], [s, c]];
    fit = turn;
  }
  const scale = spread > 0 ? fit / spread : 1;
  const moved = applySimilarity({ scale, matrix, reflected, translation: { x: 0, y: 0 } }, mb);
  return { scale, matrix, reflected, translation: { x: ma.x - moved.x, y: ma.y - moved.y } };
}

/** Root mean square distance between `transform(moving[i])` and `target[i]`. */
export function alignmentError(transform: Similarity, moving: readonly PlanePoint[], target: readonly PlanePoint[]): number {
  if (moving.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < moving.length; i++) {
    const p = applySimilarity(transform, moving[i]!);
    sum += (p.x - target[i]!.x) ** 2 + (p.y - target[i]!.y) ** 2;
  }
  return Math.sqrt(sum / moving.length);
}

/**
 * Aligns `moving`'s points onto `reference`'s over the keys both hold (videos in both maps); every
 * moving point is transformed, shared or not. Answers the transform, the moved points and how many
 * keys were shared.
 */
export function alignByKey<P extends PlanePoint>(
  reference: readonly P[],
  moving: readonly P[],
  key: (point: P) => number | string,
): { transform: Similarity; points: P[]; shared: number } {
  const byKey = new Map(reference.map((point) => [key(point), point]));
  const from: PlanePoint[] = [];
  const to: PlanePoint[] = [];
  for (const point of moving) {
    const match = byKey.get(key(point));
    if (!match) continue;
    from.push(point);
    to.push(match);
  }
  const transform = procrustes(from, to);
  const points = moving.map((point) => ({ ...point, ...applySimilarity(transform, point) }));
  return { transform, points, shared: from.length };
}
