/**
 * Geometry of the motion curve: per-frame motion as an SVG polyline, frame indices as x positions,
 * and the pixel sizes preview images are drawn at. Pure.
 */

export interface CurveBox {
  width: number;
  height: number;
  /** Space kept free above and below the curve. */
  padY?: number;
}

/** The x of a frame's centre in a box `width` wide that spans frames [0, frameCount). */
export function frameX(frame: number, frameCount: number, width: number): number {
  if (frameCount <= 1) return width / 2;
  const clamped = Math.min(Math.max(frame, 0), frameCount - 1);
  return (clamped / (frameCount - 1)) * width;
}

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * `points` for an SVG polyline of `motion` (one value per frame) scaled into the box: x over the
 * frames, y from the bottom (0) to the top (the largest value). Longer series than the box is wide
 * are reduced to one point per pixel, keeping each bucket's peak so short bursts stay visible.
 * Non-finite or negative values count as 0; an empty series gives "".
 */
export function motionPoints(motion: readonly number[], box: CurveBox): string {
  const n = motion.length;
  if (n === 0) return '';
  const padY = box.padY ?? 2;
  const clean = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
  const buckets = Math.max(1, Math.min(n, Math.floor(box.width)));
  const values: { frame: number; value: number }[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.max(from + 1, Math.floor(((b + 1) * n) / buckets));
    let peak = 0;
    for (let i = from; i < to; i++) peak = Math.max(peak, clean(motion[i]));
    values.push({ frame: buckets === n ? from : (from + to - 1) / 2, value: peak });
  }
  const max = Math.max(...values.map((v) => v.value));
  const usable = Math.max(0, box.height - 2 * padY);
  return values
    .map(({ frame, value }) => {
      const x = frameX(frame, n, box.width);
      const y = box.height - padY - (max > 0 ? (value / max) * usable : 0);
      return `${round(x)},${round(y)}`;
    })
    .join(' ');
}

/**
 * How wide to draw an image `natural` px wide so it reads at about `target` px: whole multiples when
 * enlarging (crisp with `image-rendering: pixelated`), `target` itself when shrinking.
 */
export function displaySize(natural: number, target: number): { px: number; scale: number } {
  if (!(natural > 0) || !(target > 0)) return { px: Math.max(target, 0), scale: 1 };
  if (natural >= target) return { px: target, scale: target / natural };
  const scale = Math.floor(target / natural);
  return { px: natural * scale, scale };
}
