import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import { EVALUATION } from './blocks.ts';
import { buildClipEncoder, type ClipBackbone } from './clip-encoders.ts';
import { createScope, disposeParams, parameterCount, type Param } from './params.ts';

const BACKBONES: ClipBackbone[] = ['c3d', 'r3d', 'r2plus1d'];

beforeAll(async () => {
  await initBackend('wasm');
});

describe('clip encoders', () => {
  it.each(BACKBONES)('%s gives 512-d clip features at paper width (tiny input)', (backbone) => {
    const params: Param[] = [];
    const encoder = buildClipEncoder(createScope(1, params), { backbone, frames: 4, inputSize: 16, width: 1 });
    expect(encoder.featureSize).toBe(512);
    expect(encoder.inputShape).toEqual([4, 16, 16, 3]);
    tf.tidy(() => {
      expect(encoder.apply(tf.zeros([2, 4, 16, 16, 3]), EVALUATION).shape).toEqual([2, 512]);
    });
    disposeParams(params);
  });

  it.each(BACKBONES)('%s scales with width and ends a 16-frame 112 px clip in a 2×7×7 conv map (VCOP input)', (backbone) => {
    const params: Param[] = [];
    const encoder = buildClipEncoder(createScope(1, params), { backbone, frames: 16, inputSize: 112, width: 1 / 16 });
    expect(encoder.featureSize).toBe(32);
    tf.tidy(() => {
      const clip = tf.zeros([1, 16, 112, 112, 3]);
      const map = encoder.convFeatures(clip, EVALUATION).shape;
      // C3D's conv5b, before pool5: the map VCOP's retrieval pools to 2×3×3.
      expect(map).toEqual([1, 2, 7, 7, 32]);
      expect(encoder.apply(clip, EVALUATION).shape).toEqual([1, 32]);
    });
    disposeParams(params);
  });

  it('keeps R(2+1)D near R3D in parameters, as its middle width intends', () => {
    const count = (backbone: ClipBackbone) => {
      const params: Param[] = [];
      buildClipEncoder(createScope(1, params), { backbone, frames: 4, inputSize: 16, width: 1 / 4 });
      const total = parameterCount(params);
      disposeParams(params);
      return total;
    };
    expect(count('r2plus1d') / count('r3d')).toBeGreaterThan(0.9);
    expect(count('r2plus1d') / count('r3d')).toBeLessThan(1.1);
  });
});
