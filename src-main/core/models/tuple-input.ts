/**
 * The models' input is the batch pipeline's layout as is (src-main/core/frames/pipeline.ts): one
 * Float32Array [tuples, elements, frames, height, width, 3], RGB in [0, 1], channels last, with
 * Int32Array labels. Elements are the branches in presentation order (S&L 3 frames, OPN 4 frames,
 * O3N N + 1 subsequences, VCOP clips); `frames` is 1 for S&L and OPN.
 */
import type { TupleShape } from '../../shared/tasks.ts';
import * as tf from '../compute/tf.ts';
import type { Batch } from '../frames/pipeline.ts';

export type PackedBatch = Pick<Batch, 'inputs' | 'shape' | 'labels'>;

export interface BatchTensors {
  /** [tuples, elements, frames, height, width, 3]. */
  inputs: tf.Tensor;
  labels: tf.Tensor1D;
}

/** The batch as tensors, after checking it has the shape the model was built for. */
export function batchTensors(batch: PackedBatch, expected: TupleShape): BatchTensors {
  const [tuples, ...tuple] = batch.shape;
  if (tuple.some((size, axis) => size !== expected[axis])) {
    throw new RangeError(`a batch of tuples [${tuple.join(', ')}] does not fit a model built for [${expected.join(', ')}]`);
  }
  if (batch.labels.length !== tuples || batch.inputs.length !== tuples * expected.reduce((a, b) => a * b, 1)) {
    throw new RangeError('the batch data does not match its shape');
  }
  return { inputs: tf.tensor(batch.inputs, [...batch.shape]), labels: tf.tensor1d(batch.labels, 'int32') };
}
