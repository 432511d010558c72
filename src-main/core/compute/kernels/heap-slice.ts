/**
 * Slice on the wasm backend, copied within its heap. wasm's own Slice first reads the whole input out
 * of the heap into a new JS array (`readSync`), then copies the part it needs: 25 ms to take 8 of 10
 * rows of a [12, 10, 16384] tensor whose elementwise add takes 0.35 ms. Slices were a third of a
 * mid-size R3D training step (the depth taps of the 3D convolutions are slices).
 */
import type * as tf from '../tf.ts';

/** What this kernel needs of tfjs's wasm backend: outputs allocated in its heap, and views on them. */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(tensor: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Copies the box `begin`..`begin + size` of a row-major `shape` from `source` to `target`, one run of
 * contiguous elements at a time: trailing axes taken whole merge into one run.
 */
function copyBox(
  source: Float32Array | Int32Array | Uint8Array,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  target: Float32Array | Int32Array | Uint8Array,
): void {
  const rank = shape.length;
  if (rank === 0) {
    target[0] = source[0] as number;
    return;
  }
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let axis = rank - 2; axis >= 0; axis--) strides[axis] = (strides[axis + 1] as number) * (shape[axis + 1] as number);
  // The outermost axis of the contiguous run: every axis after it is taken whole.
  let runAxis = rank - 1;
  while (runAxis > 0 && begin[runAxis] === 0 && size[runAxis] === shape[runAxis]) runAxis--;
  const run = (size[runAxis] as number) * (strides[runAxis] as number);
  const index = new Array<number>(runAxis).fill(0);
  let written = 0;
  for (;;) {
    let offset = (begin[runAxis] as number) * (strides[runAxis] as number);
    for (let axis = 0; axis < runAxis; axis++) offset += ((begin[axis] as number) + (index[axis] as number)) * (strides[axis] as number);
    target.set(source.subarray(offset, offset + run), written);
    written += run;
    // The next index over the axes before the run, last axis fastest.
    let axis = runAxis - 1;
    while (axis >= 0 && (index[axis] = (index[axis] as number) + 1) === size[axis]) index[axis--] = 0;
    if (axis < 0) return;
  }
}

export function heapSlice(x: tf.TensorInfo, begin: number[], size: number[], backend: HeapBackend): tf.TensorInfo {
  // The output first: allocating may grow the heap, which detaches views taken before.
  const out = backend.makeOutput(size, x.dtype);
  if (size.some((length) => length === 0)) return out;
  copyBox(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}
