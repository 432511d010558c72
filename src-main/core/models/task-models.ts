/**
 * One network per pretext task (PAPERS.md): a shared encoder applied to every element of the tuple
 * (the elements are folded into the batch, so "siamese" branches are one batched pass), then the
 * task's fusion and classifier. Input: the pipeline's [tuples, elements, frames, h, w, 3] batch
 * (see tuple-input.ts); output: logits [tuples, classes].
 */
import {
  backboneMismatch,
  classCount,
  dynamicImageSpacing,
  tupleShape,
  type OddOneOutConfig,
  type OrderVerificationConfig,
  type TaskConfig,
  type TupleShape,
} from '../../shared/tasks.ts';
import type { Backbone } from '../../shared/training.ts';
import * as tf from '../compute/tf.ts';
import { dense, dropout, sequence, type Layer, type Mode } from './blocks.ts';
import { buildClipEncoder, type ClipBackbone } from './clip-encoders.ts';
import { scaledWidth, type Encoder } from './encoder.ts';
import { buildFrameEncoder, frameEncoderPlan } from './frame-encoder.ts';
import { dynamicImage, elementPairs, pairFeatures, sumOfDifferences } from './fusion.ts';
import { createScope, disposeParams, type Param, type Scope } from './params.ts';

export interface ModelOptions {
  backbone: Backbone;
  /** Channel multiplier: 1 = the papers' widths. */
  width: number;
  /** Seeds every initial weight. */
  seed: number;
  /** Dropout rate of the fc layers (the papers: 0.5). */
  dropout?: number;
}

export interface TaskModel {
  tupleShape: TupleShape;
  classCount: number;
  /** The shared per-element encoder, to run alone (frozen) for retrieval features. */
  encoder: Encoder;
  /** [tuples, ...tupleShape] RGB in [0, 1] → logits [tuples, classCount]. */
  apply(inputs: tf.Tensor, mode: Mode): tf.Tensor2D;
  /** [tuples, ...tupleShape] → the encoder's features of every element, [tuples·elements, featureSize]. */
  elementFeatures(inputs: tf.Tensor, mode: Mode): tf.Tensor2D;
  /**
   * S&L and OPN: the encoder's features of ordered frames [tuples, elements, f] → what the head makes of
   * them before its classifier, [tuples, r]: a view that depends on the frames' order. Null for the tasks
   * whose encoder itself sees order (clips, dynamic images) and for fine-tuning.
   */
  relate: Layer | null;
  /** Every weight, the encoder's ("encoder/…") first, in a fixed order. */
  params: Param[];
  dispose(): void;
}

const DEFAULT_DROPOUT = 0.5;

/** What a task builder gets: its config, scopes for the two halves, and the options. */
interface Parts<C extends TaskConfig> {
  config: C;
  shape: TupleShape;
  classes: number;
  encoderScope: Scope;
  headScope: Scope;
  width: number;
  dropout: number;
  backbone: Backbone;
}

interface Network {
  encoder: Encoder;
  /** Element features [tuples, elements, f] → logits. */
  head: Layer;
  /** The head's layers before its classifier, where they compare ordered frames (S&L, OPN); else null. */
  relate: Layer | null;
}

function frameEncoder(parts: Parts<TaskConfig>, features: 'fc6' | 'fc7'): Encoder {
  return buildFrameEncoder(parts.encoderScope, { inputSize: parts.shape[2], width: parts.width, features, dropout: parts.dropout });
}

/** OPN's pairwise head takes fc6 features; S&L and O3N take fc7. */
const FRAME_FEATURES: Record<Exclude<TaskConfig['task'], 'clip-order'>, 'fc6' | 'fc7'> = {
  'order-verification': 'fc7',
  'sequence-sorting': 'fc6',
  'odd-one-out': 'fc7',
};

/** The task network's encoder (its weights' names and shapes), built alone. */
function taskEncoder(parts: Parts<TaskConfig>): Encoder {
  if (parts.config.task !== 'clip-order') return frameEncoder(parts, FRAME_FEATURES[parts.config.task]);
  const [, frames, size] = parts.shape;
  // buildTaskModel checked the backbone against the task record: clip order takes 3D backbones only.
  return buildClipEncoder(parts.encoderScope, { backbone: parts.backbone as ClipBackbone, frames, inputSize: size, width: parts.width });
}

/** [tuples, elements, f] → [tuples, elements·f]. */
const concatElements: Layer = (x) => tf.reshape(x, [x.shape[0] as number, -1]);

/** [tuples, elements, f] → [tuples, pairs, 2f]. */
const pairUp: Layer = (x) => pairFeatures(x as tf.Tensor3D);

const pairCount = (elements: number) => elementPairs(elements).length;

/** A layer applied to each pair's features with shared weights: [t, pairs, f] → [t, pairs·units]. */
function perPair(layer: Layer): Layer {
  return (x, mode) => {
    const [tuples, pairs, features] = x.shape as [number, number, number];
    const out = layer(tf.reshape(x, [tuples * pairs, features]), mode);
    return tf.reshape(out, [tuples, -1]);
  };
}

/**
 * S&L: the three fc7 features concatenated, one linear layer → correct / incorrect (the paper), or a
 * hidden ReLU layer of fc7's width first (see ORDER_VERIFICATION_HEADS).
 */
function orderVerification(parts: Parts<OrderVerificationConfig>): Network {
  const encoder = taskEncoder(parts);
  const concatenated = parts.shape[0] * encoder.featureSize;
  if (parts.config.head === 'linear') {
    return { encoder, head: sequence(concatElements, dense(parts.headScope.child('classifier'), concatenated, parts.classes)), relate: concatElements };
  }
  const relate = sequence(concatElements, dense(parts.headScope.child('hidden'), concatenated, encoder.featureSize, { relu: true }));
  const classifier = dense(parts.headScope.child('classifier'), encoder.featureSize, parts.classes);
  return { encoder, head: sequence(relate, classifier), relate };
}

/** OPN: fc6 of each frame; each of the 6 pairs concatenated → shared fc7; the 6 fc7 concatenated → 12 orders. */
function sequenceSorting(parts: Parts<TaskConfig>): Network {
  const encoder = taskEncoder(parts);
  const fc7Units = scaledWidth(frameEncoderPlan(parts.shape[2]).fc7, parts.width);
  const relate = sequence(pairUp, perPair(dense(parts.headScope.child('pair_fc7'), 2 * encoder.featureSize, fc7Units, { relu: true })));
  const pairDropout = dropout(parts.headScope.child('pair_fc7'), parts.dropout);
  const classifier = dense(parts.headScope.child('classifier'), pairCount(parts.shape[0]) * fc7Units, parts.classes);
  return { encoder, head: sequence(relate, pairDropout, classifier), relate };
}

/**
 * O3N: each subsequence summarised as a dynamic image (the paper's choice, which its task record
 * states; a mean of frames would hide the very order that makes the odd one odd), fc7 of each, fused by concatenation or by the sum
 * of differences, one linear layer → which of the N + 1 is odd.
 */
function oddOneOut(parts: Parts<OddOneOutConfig>): Network {
  const encoder = taskEncoder(parts);
  const fusedSize = parts.config.fusion === 'concat' ? parts.shape[0] * encoder.featureSize : encoder.featureSize;
  const fuse: Layer = parts.config.fusion === 'concat' ? concatElements : (x) => sumOfDifferences(x as tf.Tensor3D);
  const classifier = dense(parts.headScope.child('classifier'), fusedSize, parts.classes);
  return { encoder, head: sequence(fuse, classifier), relate: null };
}

/** VCOP: clip features; each pair concatenated → fc 1024→512 + ReLU (shared); concatenated → dropout → fc → orders. */
function clipOrder(parts: Parts<TaskConfig>): Network {
  const [clips] = parts.shape;
  const encoder = taskEncoder(parts);
  const pairUnits = scaledWidth(512, parts.width);
  const pairFc = perPair(dense(parts.headScope.child('pair_fc'), 2 * encoder.featureSize, pairUnits, { relu: true }));
  const headDropout = dropout(parts.headScope.child('classifier'), parts.dropout);
  const classifier = dense(parts.headScope.child('classifier'), pairCount(clips) * pairUnits, parts.classes);
  return { encoder, head: sequence(pairUp, pairFc, headDropout, classifier), relate: null };
}

function network(parts: Parts<TaskConfig>): Network {
  switch (parts.config.task) {
    case 'order-verification':
      return orderVerification(parts as Parts<OrderVerificationConfig>);
    case 'sequence-sorting':
      return sequenceSorting(parts);
    case 'odd-one-out':
      return oddOneOut(parts as Parts<OddOneOutConfig>);
    case 'clip-order':
      return clipOrder(parts);
  }
}

/**
 * Encoder input for every element of every tuple, the elements folded into the batch: each element
 * as one dynamic image where the task's record says its encoder sees them so, else as it is.
 */
function encoderInput(inputs: tf.Tensor, config: TaskConfig, shape: TupleShape, net: Network): tf.Tensor {
  const [elements, frames, height, width, channels] = shape;
  const tuples = inputs.shape[0] as number;
  const perElement = tf.reshape(inputs, [tuples * elements, frames, height, width, channels]);
  if (dynamicImageSpacing(config)) return dynamicImage(perElement as tf.Tensor5D);
  return net.encoder.inputShape.length === 3 ? tf.reshape(perElement, [tuples * elements, height, width, channels]) : perElement;
}

function partsOf(config: TaskConfig, options: ModelOptions, classes: number, encoderParams: Param[], headParams: Param[]): Parts<TaskConfig> {
  const mismatch = backboneMismatch(config.task, options.backbone);
  if (mismatch) throw new RangeError(mismatch);
  return {
    config,
    shape: tupleShape(config),
    classes,
    encoderScope: createScope(options.seed, encoderParams, 'encoder'),
    headScope: createScope(options.seed, headParams, 'head'),
    width: options.width,
    dropout: options.dropout ?? DEFAULT_DROPOUT,
    backbone: options.backbone,
  };
}

/**
 * Fine-tuning's network (issue 12.4): the task network's encoder (the same weight names, so a pretext
 * checkpoint's "encoder/…" weights load into it) on one element — a clip for clip encoders, a single
 * frame for frame encoders — then dropout and a new linear classifier over `classes`. Its tuple shape
 * is [1, frames, h, w, 3].
 */
export function buildFinetuneModel(config: TaskConfig, options: ModelOptions, classes: number): TaskModel {
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`a classifier needs at least 2 classes, got ${classes}`);
  const encoderParams: Param[] = [];
  const headParams: Param[] = [];
  const parts = partsOf(config, options, classes, encoderParams, headParams);
  const encoder = taskEncoder(parts);
  const [, frames, height, width, channels] = parts.shape;
  const clip = encoder.inputShape.length === 4;
  const shape: TupleShape = [1, clip ? frames : 1, height, width, channels];
  const headDropout = dropout(parts.headScope.child('classifier'), parts.dropout);
  const classifier = dense(parts.headScope.child('classifier'), encoder.featureSize, classes);
  const encoderInput = (inputs: tf.Tensor) => {
    const n = inputs.shape[0] as number;
    return tf.reshape(inputs, clip ? [n, frames, height, width, channels] : [n, height, width, channels]);
  };
  const params = [...encoderParams, ...headParams];
  return {
    tupleShape: shape,
    classCount: classes,
    encoder,
    apply: (inputs, mode) => classifier(headDropout(encoder.apply(encoderInput(inputs), mode), mode), mode) as tf.Tensor2D,
    elementFeatures: (inputs, mode) => encoder.apply(encoderInput(inputs), mode),
    relate: null,
    params,
    dispose: () => disposeParams(params),
  };
}

export function buildTaskModel(config: TaskConfig, options: ModelOptions): TaskModel {
  const shape = tupleShape(config);
  const encoderParams: Param[] = [];
  const headParams: Param[] = [];
  const parts = partsOf(config, options, classCount(config), encoderParams, headParams);
  const net = network(parts);
  const params = [...encoderParams, ...headParams];
  return {
    tupleShape: shape,
    classCount: parts.classes,
    encoder: net.encoder,
    apply: (inputs, mode) => {
      const tuples = inputs.shape[0] as number;
      const features = net.encoder.apply(encoderInput(inputs, config, shape, net), mode);
      return net.head(tf.reshape(features, [tuples, shape[0], -1]), mode) as tf.Tensor2D;
    },
    elementFeatures: (inputs, mode) => net.encoder.apply(encoderInput(inputs, config, shape, net), mode),
    relate: net.relate,
    params,
    dispose: () => disposeParams(params),
  };
}
