/**
 * VCOP's 3D backbones, applied to every clip (shared weights): C3D, R3D and R(2+1)D as in the
 * reference code (xudejing/video-clip-order-prediction: one residual block per stage, BatchNorm),
 * each ending in global average pooling, 512-d at width 1. Pools and strided convolutions pad
 * ('same'), so a 4-frame tiny clip keeps one frame to the end instead of vanishing.
 */
import type { Backbone } from '../../shared/training.ts';
import * as tf from '../compute/tf.ts';
import { batchNorm, centrePixels, conv, globalAveragePool, maxPool3d, relu, sequence, type Layer } from './blocks.ts';
import { scaledWidth, type Encoder } from './encoder.ts';
import type { Scope } from './params.ts';

export type ClipBackbone = Exclude<Backbone, 'alexnet'>;

export interface ClipEncoderOptions {
  backbone: ClipBackbone;
  frames: number;
  /** Side of the square input frames. */
  inputSize: number;
  width: number;
}

type Triple = [number, number, number];

/** conv → BN → ReLU. */
function convUnit(scope: Scope, inChannels: number, filters: number, kernel: Triple, strides: Triple): Layer {
  return sequence(
    conv(scope, { inChannels, filters, kernel, strides, padding: 'same' }),
    batchNorm(scope.child('bn'), filters),
    relu,
  );
}

const C3D_STAGES: { filters: number[]; pool: Triple }[] = [
  { filters: [64], pool: [1, 2, 2] },
  { filters: [128], pool: [2, 2, 2] },
  { filters: [256, 256], pool: [2, 2, 2] },
  { filters: [512, 512], pool: [2, 2, 2] },
  { filters: [512, 512], pool: [2, 2, 2] },
];

/** The trunk ends at conv5b (the last conv map, which VCOP's retrieval pools); pool5 comes after it. */
function c3dTrunk(scope: Scope, width: number): { trunk: Layer; channels: number; after: Layer } {
  let channels = 3;
  const layers: Layer[] = [];
  C3D_STAGES.forEach((stage, stageIndex) => {
    stage.filters.forEach((base, convIndex) => {
      const filters = scaledWidth(base, width);
      const name = `conv${stageIndex + 1}${'ab'[convIndex]}`;
      layers.push(convUnit(scope.child(name), channels, filters, [3, 3, 3], [1, 1, 1]));
      channels = filters;
    });
    layers.push(maxPool3d(stage.pool, stage.pool));
  });
  const pool5 = layers.pop() as Layer;
  return { trunk: sequence(...layers), channels, after: pool5 };
}

/**
 * R(2+1)D's factorised t×k×k convolution: 1×k×k spatial, BN, ReLU, then t×1×1 temporal, with the
 * reference's middle width, which keeps the parameter count of the full 3D convolution.
 */
function spatioTemporalConv(scope: Scope, inChannels: number, filters: number, kernel: Triple, strides: Triple): Layer {
  const [t, k] = kernel;
  const middle = Math.floor((t * k * k * inChannels * filters) / (k * k * inChannels + t * filters));
  return sequence(
    convUnit(scope.child('spatial'), inChannels, middle, [1, k, k], [1, strides[1], strides[2]]),
    conv(scope.child('temporal'), { inChannels: middle, filters, kernel: [t, 1, 1], strides: [strides[0], 1, 1], padding: 'same' }),
  );
}

type ConvFactory = (scope: Scope, inChannels: number, filters: number, kernel: Triple, strides: Triple) => Layer;

const fullConv: ConvFactory = (scope, inChannels, filters, kernel, strides) =>
  conv(scope, { inChannels, filters, kernel, strides, padding: 'same' });

/** conv-BN-ReLU-conv-BN plus the shortcut (projected when the shape changes), then ReLU. */
function residualBlock(scope: Scope, makeConv: ConvFactory, inChannels: number, filters: number, stride: number): Layer {
  const strides: Triple = [stride, stride, stride];
  const residual = sequence(
    makeConv(scope.child('conv1'), inChannels, filters, [3, 3, 3], strides),
    batchNorm(scope.child('bn1'), filters),
    relu,
    makeConv(scope.child('conv2'), filters, filters, [3, 3, 3], [1, 1, 1]),
    batchNorm(scope.child('bn2'), filters),
  );
  const projects = stride !== 1 || inChannels !== filters;
  const shortcut: Layer = projects
    ? sequence(
        // 'valid': a 1×1×1 kernel needs no padding, and it samples frames 0, 2, … as PyTorch does.
        conv(scope.child('downsample'), { inChannels, filters, kernel: [1, 1, 1], strides, padding: 'valid' }),
        batchNorm(scope.child('downsample/bn'), filters),
      )
    : (x) => x;
  return (x, mode) => tf.relu(tf.add(residual(x, mode), shortcut(x, mode)));
}

const RESNET_STAGES = [
  { filters: 64, stride: 1 },
  { filters: 128, stride: 2 },
  { filters: 256, stride: 2 },
  { filters: 512, stride: 2 },
];

function resnetTrunk(scope: Scope, width: number, makeConv: ConvFactory): { trunk: Layer; channels: number } {
  let channels = scaledWidth(64, width);
  const stem = sequence(makeConv(scope.child('conv1'), 3, channels, [3, 7, 7], [1, 2, 2]), batchNorm(scope.child('conv1/bn'), channels), relu);
  const blocks = RESNET_STAGES.map((stage, index) => {
    const filters = scaledWidth(stage.filters, width);
    const block = residualBlock(scope.child(`conv${index + 2}`), makeConv, channels, filters, stage.stride);
    channels = filters;
    return block;
  });
  return { trunk: sequence(stem, ...blocks), channels };
}

/** `trunk` ends at the last conv map; `after` is what lies between it and the global pool (C3D's pool5). */
function clipTrunk(scope: Scope, backbone: ClipBackbone, width: number): { trunk: Layer; channels: number; after?: Layer } {
  switch (backbone) {
    case 'c3d':
      return c3dTrunk(scope, width);
    case 'r3d':
      return resnetTrunk(scope, width, fullConv);
    case 'r2plus1d':
      return resnetTrunk(scope, width, spatioTemporalConv);
  }
}

export function buildClipEncoder(scope: Scope, options: ClipEncoderOptions): Encoder {
  const { trunk, channels, after } = clipTrunk(scope, options.backbone, options.width);
  const convFeatures = sequence(centrePixels, trunk);
  const beforePool = after ? sequence(convFeatures, after) : convFeatures;
  return {
    inputShape: [options.frames, options.inputSize, options.inputSize, 3],
    featureSize: channels,
    apply: (x, mode) => globalAveragePool(beforePool(x, mode), mode) as tf.Tensor2D,
    convFeatures,
  };
}
