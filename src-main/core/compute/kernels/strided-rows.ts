/**
 * Every step-th row of a [n, rows, rest] tensor, as reshapes and one contiguous slice: on wasm this is
 * 5–6× faster than StridedSlice, which the kernels here would otherwise lean on.
 */
import * as tf from '../tf.ts';

/** Rows start, start + step, …: `count` of them, [n, count, rest]. */
export function everyNthRow(x: tf.Tensor3D, start: number, count: number, step: number): tf.Tensor3D {
  const [n, rows, rest] = x.shape;
  if (step === 1) return tf.slice(x, [0, start, 0], [n, count, rest]);
  const first = Math.floor(start / step);
  // Whole groups of `step` rows, padded with zero rows that are never picked.
  const groups = Math.max(Math.ceil(rows / step), first + count);
  const padded = groups * step === rows ? x : tf.pad(x, [[0, 0], [0, groups * step - rows], [0, 0]]);
  const picked = tf.slice(tf.reshape(padded, [n, groups, step, rest]), [0, first, start % step, 0], [n, count, 1, rest]);
  return tf.reshape(picked, [n, count, rest]);
}
