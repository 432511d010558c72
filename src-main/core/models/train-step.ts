/**
 * One optimiser step and one evaluation of a task model on a batch, with the papers' objective:
 * softmax cross-entropy plus L2 weight decay on every trained weight (PyTorch SGD's weight_decay:
 * the gradient gains decay·w, biases and BatchNorm included).
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
  weightDecay: number;
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

/** (decay / 2)·Σ‖w‖², whose gradient is decay·w. */
function weightPenalty(variables: readonly tf.Variable[], decay: number): tf.Scalar {
  if (decay === 0) return tf.scalar(0);
  return tf.mul(decay / 2, tf.addN(variables.map((variable) => tf.sum(tf.square(variable))))) as tf.Scalar;
}

async function readResult(loss: tf.Scalar, accuracy: tf.Scalar): Promise<StepResult> {
  try {
    const [lossValue, accuracyValue] = await Promise.all([loss.data(), accuracy.data()]);
    return { loss: lossValue[0] as number, accuracy: accuracyValue[0] as number };
  } finally {
    tf.dispose([loss, accuracy]);
  }
}

/** Forward, backward and one update of every trained weight; BatchNorm statistics move too. */
export function trainStep(model: TaskModel, optimizer: Optimizer, batch: BatchTensors, options: TrainStepOptions): Promise<StepResult> {
  const params = trainableParams(model);
  const variables = params.map((param) => param.variable);
  const mode = { training: true, ...(options.seed === undefined ? {} : { seed: options.seed }) };
  const [loss, accuracy] = tf.tidy(() => {
    // Kept out of the gradient's scope, to be read once the update is done.
    const kept: tf.Scalar[] = [];
    const { grads } = tf.variableGrads(() => {
      const logits = model.apply(batch.inputs, mode);
      kept.push(tf.keep(crossEntropy(logits, batch.labels, model.classCount)), tf.keep(accuracyOf(logits, batch.labels)));
      return tf.add(kept[0] as tf.Scalar, weightPenalty(variables, options.weightDecay));
    }, variables);
    optimizer.update(params, grads);
    return kept;
  });
  return readResult(loss as tf.Scalar, accuracy as tf.Scalar);
}

/** Loss and accuracy with running statistics and without dropout; changes nothing. */
export function evaluateStep(model: TaskModel, batch: BatchTensors): Promise<StepResult> {
  const [loss, accuracy] = tf.tidy(() => {
    const logits = model.apply(batch.inputs, EVALUATION);
    return [crossEntropy(logits, batch.labels, model.classCount), accuracyOf(logits, batch.labels)];
  });
  return readResult(loss as tf.Scalar, accuracy as tf.Scalar);
}
