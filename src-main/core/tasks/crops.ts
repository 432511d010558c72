/**
 * Crop rectangles in the pixel grid of a decoded frame. Every helper returns integer rectangles that
 * lie inside the frame, so the frame source can slice pixels without checks.
 */
import type { Rng } from './rng.ts';

export interface Size {
  width: number;
  height: number;
}

/** A rectangle of the decoded frame: left, top, width and height in pixels. */
export interface Crop {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** `size`, shrunk where the frame is smaller (a small video still yields a crop; it gets upscaled). */
export function fitInside(size: Size, frame: Size): Size {
  return { width: Math.min(size.width, frame.width), height: Math.min(size.height, frame.height) };
}

/** The crop of `size` whose centre is nearest (cx, cy) while staying inside the frame. */
export function cropAround(cx: number, cy: number, size: Size, frame: Size): Crop {
  const { width, height } = fitInside(size, frame);
  return {
    x: clamp(Math.round(cx - width / 2), 0, frame.width - width),
    y: clamp(Math.round(cy - height / 2), 0, frame.height - height),
    w: width,
    h: height,
  };
}

/** The crop of `size` in the middle of the frame (evaluation). */
export function centreCrop(size: Size, frame: Size): Crop {
  return cropAround(frame.width / 2, frame.height / 2, size, frame);
}

/** A crop of `size` at a uniformly random position inside the frame (training). */
export function randomCrop(size: Size, frame: Size, rng: Rng): Crop {
  const { width, height } = fitInside(size, frame);
  return {
    x: rng.int(0, frame.width - width + 1),
    y: rng.int(0, frame.height - height + 1),
    w: width,
    h: height,
  };
}

/**
 * `crop` moved by up to ±maxShift pixels on each axis, then pushed back inside the frame. Near a
 * border the push-back makes the shift one-sided; that is the price of never sampling outside.
 */
export function jitterCrop(crop: Crop, maxShift: number, frame: Size, rng: Rng): Crop {
  return {
    ...crop,
    x: clamp(crop.x + rng.int(-maxShift, maxShift + 1), 0, frame.width - crop.w),
    y: clamp(crop.y + rng.int(-maxShift, maxShift + 1), 0, frame.height - crop.h),
  };
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
