/**
 * One optimiser step and one evaluation of a task model on a batch, with the papers' objective:
 * softmax cross-entropy, plus L2 weight decay on every trained weight, which the optimiser adds to
 * the gradient as PyTorch's weight_decay does (optimizer.ts `decayed`).
 */
import * as tf from '../compute/tf.ts';
import { EVALUATION } from './blocks.ts';
import type { Param } from './params.ts';
import type { Optimizer } from './optimizer.ts';
import type { TaskModel } from './task-models.ts';
import type { BatchTensors } from './tuple-input.ts';

export interface StepResult {
  /** Mean cross-entropy over the batch (without the decay term). */
  loss: number;
  /** Share of the batch classified right. */
  accuracy: number;
}

export interface TrainStepOptions {
  /** Seeds this step's dropout masks. */
  seed?: number;
}

export function trainableParams(model: TaskModel): Param[] {
  return model.params.filter((param) => param.trainable);
}

function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, classes: number): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, classes), logits) as tf.Scalar;
}

function accuracyOf(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
}

async function readResult(loss: tf.Scalar, accuracy: tf.Scalar): Promise<StepResult> {
  try {
    const [lossValue, accuracyValue] = await Promise.all([loss.data(), accuracy.data()]);
    return { loss: lossValue[0] as number, accuracy: accuracyValue[0] as number };
  } finally {
    tf.dispose([loss, accuracy]);
  }
}

/** The batch's loss gradient of every trained weight (trainableParams order), with its loss and accuracy; the caller disposes them. */
function gradientsOf(model: TaskModel, batch: BatchTensors, options: TrainStepOptions): { gradients: tf.Tensor[]; loss: tf.Scalar; accuracy: tf.Scalar } {
  const variables = trainableParams(model).map((param) => param.variable);
  const mode = { training: true, ...(options.seed === undefined ? {} : { seed: options.seed }) };
  const kept: tf.Scalar[] = [];
  const gradients = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const logits = model.apply(batch.inputs, mode);
      // Kept out of the gradient's scope, to be read once the update is done.
      kept.push(tf.keep(crossEntropy(logits, batch.labels, model.classCount)), tf.keep(accuracyOf(logits, batch.labels)));
      return kept[0] as tf.Scalar;
    }, variables);
    return variables.map((variable) => grads[variable.name] as tf.Tensor);
  });
  return { gradients, loss: kept[0] as tf.Scalar, accuracy: kept[1] as tf.Scalar };
}

/** Forward, backward and one update of every trained weight; BatchNorm statistics move too. */
export function trainStep(model: TaskModel, optimizer: Optimizer, batch: BatchTensors, options: TrainStepOptions): Promise<StepResult> {
  const { gradients, loss, accuracy } = gradientsOf(model, batch, options);
  try {
    applyGradients(model, optimizer, gradients);
  } finally {
    tf.dispose(gradients);
  }
  return readResult(loss, accuracy);
}

/** What moves without the optimiser: BatchNorm's running statistics, updated by every training forward pass. */
function runningStatistics(model: TaskModel): Param[] {
  return model.params.filter((param) => !param.trainable);
}

/**
 * A replica's part of a data-parallel step, read out: its gradients (trainableParams order), and its
 * running statistics after its forward pass (the model's untrained params, in order).
 */
export interface PartGradients extends StepResult {
  gradients: Float32Array[];
  statistics: Float32Array[];
}

/** What every replica applies after a step: the averaged gradients and running statistics. */
export type ReplicaUpdate = Pick<PartGradients, 'gradients' | 'statistics'>;

/** The forward and backward pass of a data-parallel step on one part of the batch; changes no weight (BatchNorm statistics move). */
export async function partGradients(model: TaskModel, batch: BatchTensors, options: TrainStepOptions): Promise<PartGradients> {
  const { gradients, loss, accuracy } = gradientsOf(model, batch, options);
  try {
    const read = (tensors: readonly tf.Tensor[]) => Promise.all(tensors.map((tensor) => tensor.data() as Promise<Float32Array>));
    const [values, statistics] = await Promise.all([read(gradients), read(runningStatistics(model).map((param) => param.variable))]);
    return { gradients: values, statistics, ...(await readResult(loss, accuracy)) };
  } finally {
    tf.dispose(gradients);
  }
}

/** One optimiser update from `gradients`, given in trainableParams order (tensors or read-out values). */
export function applyGradients(model: TaskModel, optimizer: Optimizer, gradients: readonly (tf.Tensor | Float32Array)[]): void {
  const params = trainableParams(model);
  if (gradients.length !== params.length) throw new RangeError(`${gradients.length} gradients for ${params.length} trained weights`);
  tf.tidy(() => {
    const named: tf.NamedTensorMap = {};
    params.forEach((param, index) => {
      const gradient = gradients[index] as tf.Tensor | Float32Array;
      named[param.variable.name] = gradient instanceof Float32Array ? tf.tensor(gradient, param.variable.shape) : gradient;
    });
    optimizer.update(params, named);
  });
}

/** The step every replica applies: the averaged gradients, and the averaged running statistics in place of its own. */
export function applyAverage(model: TaskModel, optimizer: Optimizer, average: ReplicaUpdate): void {
  const statistics = runningStatistics(model);
  if (average.statistics.length !== statistics.length) throw new RangeError(`${average.statistics.length} statistics for ${statistics.length} running statistics`);
  applyGradients(model, optimizer, average.gradients);
  tf.tidy(() => statistics.forEach((param, index) => param.variable.assign(tf.tensor(average.statistics[index] as Float32Array, param.variable.shape))));
}

/** Loss and accuracy with running statistics and without dropout; changes nothing. */
export function evaluateStep(model: TaskModel, batch: BatchTensors): Promise<StepResult> {
  const [loss, accuracy] = tf.tidy(() => {
    const logits = model.apply(batch.inputs, EVALUATION);
    return [crossEntropy(logits, batch.labels, model.classCount), accuracyOf(logits, batch.labels)];
  });
  return readResult(loss as tf.Scalar, accuracy as tf.Scalar);
}
