import { beforeAll, describe, expect, it } from 'vitest';
import { trainPreset } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import { buildTaskModel } from '../models/task-models.ts';
import { dynamicImage } from '../models/fusion.ts';
import { clipFeatures, clipSubsequences, clipTuples, inputSide, tupleClipFeatures, videoFeature } from './encode.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

function tinyEncoder(task: 'clip-order' | 'order-verification' | 'sequence-sorting' | 'odd-one-out', backbone: 'r3d' | 'c3d' | 'alexnet') {
  const config = trainPreset(task, backbone, 'tiny');
  return buildTaskModel(config.task, { backbone, width: config.width, seed: 3 });
}

describe('retrieval features', () => {
  it('a clip encoder gives [clips, t·c] from its own clip length, max-pooled over space', () => {
    const model = tinyEncoder('clip-order', 'r3d');
    const side = inputSide(model.encoder);
    const features = tf.tidy(() => {
      const clips = tf.randomUniform([3, 4, side, side, 3], 0, 1, 'float32', 1) as tf.Tensor5D;
      const map = model.encoder.convFeatures(clips, { training: false });
      const expected = tf.reshape(tf.max(map, [2, 3]), [3, -1]);
      const got = clipFeatures(model.encoder, clips);
      return { got: got.arraySync(), expected: expected.arraySync(), shape: got.shape };
    });
    expect(features.shape[0]).toBe(3);
    expect(features.got).toEqual(features.expected);
    model.dispose();
  });

  it('a frame encoder averages its per-frame features over each clip', () => {
    const model = tinyEncoder('order-verification', 'alexnet');
    const side = inputSide(model.encoder);
    const { clip, first, second, video } = tf.tidy(() => {
      const frameA = tf.randomUniform([1, side, side, 3], 0, 1, 'float32', 1);
      const frameB = tf.randomUniform([1, side, side, 3], 0, 1, 'float32', 2);
      // Clip 0: A, A, B, B — clip 1: B, B, B, B.
      const clips = tf.reshape(tf.concat([frameA, frameA, frameB, frameB, frameB, frameB, frameB, frameB]), [2, 4, side, side, 3]);
      const perFrame = (frame: tf.Tensor) => tf.max(model.encoder.convFeatures(frame, { training: false }), [1, 2]);
      const features = clipFeatures(model.encoder, clips as tf.Tensor5D);
      return {
        clip: features.arraySync(),
        first: (tf.div(tf.add(perFrame(frameA), perFrame(frameB)), 2).arraySync() as number[][])[0] as number[],
        second: (perFrame(frameB).arraySync() as number[][])[0] as number[],
        video: videoFeature(features).arraySync(),
      };
    });
    clip[0]?.forEach((value, i) => expect(value).toBeCloseTo(first[i] as number, 5));
    clip[1]?.forEach((value, i) => expect(value).toBeCloseTo(second[i] as number, 5));
    video.forEach((value, i) => expect(value).toBeCloseTo(((clip[0]?.[i] as number) + (clip[1]?.[i] as number)) / 2, 5));
    model.dispose();
  });

  it('lays subsequences side by side in a clip, spaced as in training, at least one', () => {
    expect(clipSubsequences(16, { frames: 3, stride: 2 })).toEqual([[0, 2, 4], [5, 7, 9], [10, 12, 14]]);
    expect(clipSubsequences(16, { frames: 6, stride: 3 })).toEqual([[0, 3, 6, 9, 12, 15]]);
    // Longer than the clip: one, its last frames repeating the clip's last.
    expect(clipSubsequences(4, { frames: 3, stride: 2 })).toEqual([[0, 2, 3]]);
  });

  it('an encoder trained on dynamic images sees each clip as its subsequences\' dynamic images, in order', () => {
    const model = tinyEncoder('odd-one-out', 'alexnet');
    const side = inputSide(model.encoder);
    const spacing = { frames: 3, stride: 2 };
    const { got, expected, reversed } = tf.tidy(() => {
      const clip = tf.randomUniform([1, 10, side, side, 3], 0, 1, 'float32', 4) as tf.Tensor5D;
      const image = (frames: number[]) => dynamicImage(tf.gather(clip, frames, 1) as tf.Tensor5D);
      const perImage = (frames: number[]) => tf.max(model.encoder.convFeatures(image(frames), { training: false }), [1, 2]);
      const encoding = { pooling: 'global-max', subsequence: spacing } as const;
      return {
        got: clipFeatures(model.encoder, clip, encoding).arraySync(),
        expected: tf.div(tf.add(perImage([0, 2, 4]), perImage([5, 7, 9])), 2).arraySync() as number[][],
        reversed: clipFeatures(model.encoder, tf.reverse(clip, 1) as tf.Tensor5D, encoding).arraySync(),
      };
    });
    got[0]?.forEach((value, i) => expect(value).toBeCloseTo(expected[0]?.[i] as number, 5));
    // Unlike a mean of frame features, the vector changes when the clip plays backwards.
    const change = got[0]?.reduce((sum, value, i) => sum + Math.abs(value - (reversed[0]?.[i] as number)), 0) ?? 0;
    expect(change).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('takes an ordered tuple from every start frame of a clip, spaced as given, at least one', () => {
    expect(clipTuples(16, { frames: 3, stride: 5 })).toEqual([0, 1, 2, 3, 4, 5].map((start) => [start, start + 5, start + 10]));
    expect(clipTuples(10, { frames: 4, stride: 3 })).toEqual([[0, 3, 6, 9]]);
    expect(clipTuples(4, { frames: 3, stride: 2 })).toEqual([[0, 2, 3]]);
  });

  it.each([
    ['order-verification', 3, 5],
    ['sequence-sorting', 4, 3],
  ] as const)('the %s head sees each clip as its ordered tuples: their head features averaged, and changed when the clip plays backwards', (task, frames, stride) => {
    const model = tinyEncoder(task, 'alexnet');
    const relate = model.relate;
    if (!relate) throw new Error(`${task} has no relation features`);
    const side = inputSide(model.encoder);
    const spacing = { frames, stride };
    const span = (frames - 1) * stride + 1;
    const { got, expected, reversed, shape } = tf.tidy(() => {
      const clip = tf.randomUniform([1, span + 1, side, side, 3], 0, 1, 'float32', 6) as tf.Tensor5D;
      // One tuple through the encoder and the head, on its own.
      const tuple = (start: number) => {
        const frameFeatures = model.encoder.apply(tf.reshape(tf.gather(clip, Array.from({ length: frames }, (_, i) => start + i * stride), 1), [frames, side, side, 3]), { training: false });
        return relate(tf.reshape(frameFeatures, [1, frames, -1]), { training: false });
      };
      const features = tupleClipFeatures(model.encoder, relate, clip, spacing);
      return {
        got: features.arraySync(),
        shape: features.shape,
        expected: tf.div(tf.add(tuple(0), tuple(1)), 2).arraySync() as number[][],
        reversed: tupleClipFeatures(model.encoder, relate, tf.reverse(clip, 1) as tf.Tensor5D, spacing).arraySync(),
      };
    });
    expect(shape[1]).toBeGreaterThan(0);
    got[0]?.forEach((value, i) => expect(value).toBeCloseTo(expected[0]?.[i] as number, 5));
    const change = got[0]?.reduce((sum, value, i) => sum + Math.abs(value - (reversed[0]?.[i] as number)), 0) ?? 0;
    expect(change).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('has no relation features where the encoder sees order itself (O3N, VCOP)', () => {
    for (const model of [tinyEncoder('odd-one-out', 'alexnet'), tinyEncoder('clip-order', 'r3d')]) {
      expect(model.relate).toBeNull();
      model.dispose();
    }
  });

  it('leaks no tensors', () => {
    const model = tinyEncoder('clip-order', 'c3d');
    const side = inputSide(model.encoder);
    const clips = tf.zeros([2, 4, side, side, 3]) as tf.Tensor5D;
    const before = tf.memory().numTensors;
    clipFeatures(model.encoder, clips).dispose();
    expect(tf.memory().numTensors).toBe(before);
    clips.dispose();
    model.dispose();
  });
});
