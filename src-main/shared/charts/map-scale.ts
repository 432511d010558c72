/** Drawing an embedding map: projected points into a box, and a colour per label. Pure. */

export interface Box {
  width: number;
  height: number;
  /** Kept free on every side (room for the dots' radius). */
  padding: number;
}

export interface Point {
  x: number;
  y: number;
}

/**
 * Maps projected coordinates into `box`: one scale for both axes (distances keep their meaning),
 * centred, y pointing up. A single point or a line still lands inside the box.
 */
export function fitToBox(points: readonly Point[], box: Box): (point: Point) => Point {
  // A loop, not Math.min(...xs): spreading a big library's points would overflow the stack.
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const { x, y } of points) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const empty = points.length === 0;
  const scaleX = maxX > minX ? Math.max(0, box.width - 2 * box.padding) / (maxX - minX) : Infinity;
  const scaleY = maxY > minY ? Math.max(0, box.height - 2 * box.padding) / (maxY - minY) : Infinity;
  const scale = Math.min(scaleX, scaleY);
  const k = Number.isFinite(scale) ? scale : 0;
  const midX = empty ? 0 : (minX + maxX) / 2;
  const midY = empty ? 0 : (minY + maxY) / 2;
  return (point) => ({
    x: box.width / 2 + (point.x - midX) * k,
    y: box.height / 2 - (point.y - midY) * k,
  });
}

/** Distinct on white and for common colour blindness (Tableau 10). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const UNLABELLED_COLOUR = '#8a93a3';

/**
 * A colour per label: labels in sorted order take the palette's colours, further ones spread round
 * the hue circle. The same labels always get the same colours; null (unlabelled) is grey.
 */
export function labelColours(labels: readonly (string | null)[]): Map<string | null, string> {
  const named = [...new Set(labels.filter((label): label is string => label !== null))].sort();
  const colours = new Map<string | null, string>(
    named.map((label, i) => [label, PALETTE[i] ?? `hsl(${Math.round((i * 137.508) % 360)} 55% 48%)`]),
  );
  if (labels.includes(null)) colours.set(null, UNLABELLED_COLOUR);
  return colours;
}
