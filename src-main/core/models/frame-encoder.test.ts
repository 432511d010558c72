import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import { EVALUATION } from './blocks.ts';
import { buildFrameEncoder, CAFFENET, frameEncoderGrid, frameEncoderPlan, SMALL_FRAME_ENCODER } from './frame-encoder.ts';
import { createScope, disposeParams, type Param } from './params.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('frame encoder', () => {
  it("follows CaffeNet's geometry: 227 px → 6×6×256 before fc6 (S&L), 80 px → 1×1 (OPN)", () => {
    expect(frameEncoderGrid(CAFFENET, 227)).toEqual([27, 13, 13, 13, 6]);
    expect(frameEncoderGrid(CAFFENET, 80)).toEqual([8, 3, 3, 3, 1]);
    expect(frameEncoderGrid(SMALL_FRAME_ENCODER, 32)).toEqual([8, 4, 2]);
  });

  it('uses CaffeNet from 67 px up and the small plan below', () => {
    expect(frameEncoderGrid(CAFFENET, 66)).toBeNull();
    expect(frameEncoderPlan(67)).toBe(CAFFENET);
    expect(frameEncoderPlan(66)).toBe(SMALL_FRAME_ENCODER);
    expect(frameEncoderPlan(40)).toBe(SMALL_FRAME_ENCODER);
  });

  it('scales widths and returns fc6 or fc7 features per frame', () => {
    const params: Param[] = [];
    const fc7 = buildFrameEncoder(createScope(1, params, 'a'), { inputSize: 40, width: 1 / 16, features: 'fc7', dropout: 0.5 });
    const fc6 = buildFrameEncoder(createScope(1, params, 'b'), { inputSize: 80, width: 1 / 8, features: 'fc6', dropout: 0.5 });
    expect(fc7.featureSize).toBe(256);
    expect(fc6.featureSize).toBe(512);
    expect(params.find((param) => param.name === 'a/conv1/kernel')?.variable.shape).toEqual([5, 5, 3, 6]);
    expect(params.find((param) => param.name === 'b/fc6/kernel')?.variable.shape).toEqual([32, 512]);
    expect(params.some((param) => param.name.startsWith('b/fc7'))).toBe(false);
    tf.tidy(() => {
      expect(fc7.apply(tf.zeros([5, 40, 40, 3]), EVALUATION).shape).toEqual([5, 256]);
      expect(fc6.apply(tf.zeros([2, 80, 80, 3]), EVALUATION).shape).toEqual([2, 512]);
      expect(fc7.convFeatures(tf.zeros([5, 40, 40, 3]), EVALUATION).shape).toEqual([5, 2, 2, 24]);
    });
    disposeParams(params);
  });

  it('refuses frames too small for any plan', () => {
    expect(() => buildFrameEncoder(createScope(1, []), { inputSize: 4, width: 1, features: 'fc7', dropout: 0 })).toThrow(/too small/);
  });
});
