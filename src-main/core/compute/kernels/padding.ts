/** Padding and stride arguments in the shapes the tfjs kernels accept, turned into plain numbers. */
import type * as tf from '../tf.ts';

export type ExplicitPadding = tf.backend_util.ExplicitPadding;
export type Pad2D = 'valid' | 'same' | number | ExplicitPadding;

export interface PadSides2D {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface PadSides3D extends PadSides2D {
  front: number;
  back: number;
}

/** NHWC padding for a 2D op. */
export function explicitPadding(sides: PadSides2D): ExplicitPadding {
  return [[0, 0], [sides.top, sides.bottom], [sides.left, sides.right], [0, 0]];
}

export function pair(value: number | readonly number[]): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0] as number, value[1] as number];
}

export function triple(value: number | readonly number[]): [number, number, number] {
  return typeof value === 'number' ? [value, value, value] : [value[0] as number, value[1] as number, value[2] as number];
}
