/**
 * The 2D encoder S&L, OPN and O3N apply to every frame (shared weights): CaffeNet-style conv-BN-ReLU
 * stages with max pooling, then fc6 and fc7. BatchNorm replaces CaffeNet's LRN, as OPN did; it trains
 * from scratch in far fewer steps. Inputs of 67 px and up get CaffeNet's layers (227 px: the S&L
 * paper, 80 px: OPN); smaller ones (the tiny presets' 32–64 px) a three-stage version.
 */
import type * as tf from '../compute/tf.ts';
import { batchNorm, centrePixels, conv, dense, dropout, flatten, maxPool2d, relu, sequence, type Layer } from './blocks.ts';
import { scaledWidth, type Encoder } from './encoder.ts';
import type { Scope } from './params.ts';

export interface FrameConvStage {
  /** At width 1. */
  filters: number;
  kernel: number;
  stride: number;
  padding: 'same' | 'valid';
  pool: { size: number; stride: number } | null;
}

export interface FrameEncoderPlan {
  name: 'caffenet' | 'small';
  stages: FrameConvStage[];
  /** Units at width 1. */
  fc6: number;
  fc7: number;
}

const POOL = { size: 3, stride: 2 };

export const CAFFENET: FrameEncoderPlan = {
  name: 'caffenet',
  stages: [
    { filters: 96, kernel: 11, stride: 4, padding: 'valid', pool: POOL },
    { filters: 256, kernel: 5, stride: 1, padding: 'same', pool: POOL },
    { filters: 384, kernel: 3, stride: 1, padding: 'same', pool: null },
    { filters: 384, kernel: 3, stride: 1, padding: 'same', pool: null },
    { filters: 256, kernel: 3, stride: 1, padding: 'same', pool: POOL },
  ],
  fc6: 4096,
  fc7: 4096,
};

const HALVE = { size: 2, stride: 2 };

/** CaffeNet's widths on three stages, for 32–66 px inputs. */
export const SMALL_FRAME_ENCODER: FrameEncoderPlan = {
  name: 'small',
  stages: [
    { filters: 96, kernel: 5, stride: 2, padding: 'same', pool: HALVE },
    { filters: 256, kernel: 3, stride: 1, padding: 'same', pool: HALVE },
    { filters: 384, kernel: 3, stride: 1, padding: 'same', pool: HALVE },
  ],
  fc6: 4096,
  fc7: 4096,
};

function outputLength(length: number, kernel: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(length / stride) : Math.floor((length - kernel) / stride) + 1;
}

/** The side of the feature map after each stage, or null when the input is too small for the plan. */
export function frameEncoderGrid(plan: FrameEncoderPlan, inputSize: number): number[] | null {
  const sides: number[] = [];
  let side = inputSize;
  for (const stage of plan.stages) {
    side = outputLength(side, stage.kernel, stage.stride, stage.padding);
    if (stage.pool) side = outputLength(side, stage.pool.size, stage.pool.stride, 'valid');
    if (side < 1) return null;
    sides.push(side);
  }
  return sides;
}

/** CaffeNet when the input is large enough for it, else the small plan. */
export function frameEncoderPlan(inputSize: number): FrameEncoderPlan {
  return frameEncoderGrid(CAFFENET, inputSize) ? CAFFENET : SMALL_FRAME_ENCODER;
}

export interface FrameEncoderOptions {
  /** Side of the square input frames. */
  inputSize: number;
  width: number;
  /** OPN pairs fc6 features; S&L and O3N use fc7. */
  features: 'fc6' | 'fc7';
  dropout: number;
  plan?: FrameEncoderPlan;
}

/** conv → BN → ReLU (→ max pool). */
function convStage(scope: Scope, stage: FrameConvStage, inChannels: number, filters: number): Layer {
  const kernel = [stage.kernel, stage.kernel];
  const strides = [stage.stride, stage.stride];
  const layers = [conv(scope, { inChannels, filters, kernel, strides, padding: stage.padding }), batchNorm(scope.child('bn'), filters), relu];
  return sequence(...layers, ...(stage.pool ? [maxPool2d(stage.pool.size, stage.pool.stride)] : []));
}

/** fc → ReLU → dropout. */
function fullyConnected(scope: Scope, inFeatures: number, units: number, rate: number): Layer {
  return sequence(dense(scope, inFeatures, units, { relu: true }), dropout(scope, rate));
}

export function buildFrameEncoder(scope: Scope, options: FrameEncoderOptions): Encoder {
  const { inputSize, width } = options;
  const plan = options.plan ?? frameEncoderPlan(inputSize);
  const side = frameEncoderGrid(plan, inputSize)?.at(-1);
  if (!side) throw new RangeError(`${inputSize} px frames are too small for the ${plan.name} encoder`);
  let channels = 3;
  const stages = plan.stages.map((stage, index) => {
    const filters = scaledWidth(stage.filters, width);
    const layer = convStage(scope.child(`conv${index + 1}`), stage, channels, filters);
    channels = filters;
    return layer;
  });
  const trunk = sequence(centrePixels, ...stages);
  const fc6Units = scaledWidth(plan.fc6, width);
  const fc6 = sequence(flatten, fullyConnected(scope.child('fc6'), side * side * channels, fc6Units, options.dropout));
  if (options.features === 'fc6') return frameEncoder(inputSize, fc6Units, trunk, fc6);
  const fc7Units = scaledWidth(plan.fc7, width);
  const fc7 = fullyConnected(scope.child('fc7'), fc6Units, fc7Units, options.dropout);
  return frameEncoder(inputSize, fc7Units, trunk, sequence(fc6, fc7));
}

function frameEncoder(inputSize: number, featureSize: number, trunk: Layer, head: Layer): Encoder {
  return {
    inputShape: [inputSize, inputSize, 3],
    featureSize,
    apply: (x, mode) => head(trunk(x, mode), mode) as tf.Tensor2D,
    convFeatures: trunk,
  };
}
