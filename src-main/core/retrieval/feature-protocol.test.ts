import { describe, expect, it } from 'vitest';
import { trainPreset } from '../../shared/training.ts';
import { TASK_PRESETS } from '../../shared/tasks.ts';
import { extractionPlan, referenceClipWindows, referenceFrameWindows } from './feature-protocol.ts';

describe('feature protocols', () => {
  it('vcop-reference clips start at int(linspace(8, n − 8, 10) − 8), as retrieve_clips.py samples them', () => {
    // numpy: [int(c - 8) for c in np.linspace(8, 92, 10)]
    expect(referenceClipWindows(100, 10, 16, 25).map((window) => window.frames[0])).toEqual([0, 9, 18, 28, 37, 46, 56, 65, 74, 84]);
    const last = referenceClipWindows(100, 10, 16, 25).at(-1);
    expect(last?.frames).toEqual(Array.from({ length: 16 }, (_, i) => 84 + i));
    expect(last?.span).toEqual({ index: 9, startSeconds: 84 / 25, endSeconds: 100 / 25 });
  });

  it('a video shorter than a clip starts at frame 0 and repeats its last frame', () => {
    for (const window of referenceClipWindows(10, 10, 16, 25)) expect(window.frames).toEqual([...Array.from({ length: 10 }, (_, i) => i), 9, 9, 9, 9, 9, 9]);
  });

  it('vcop-reference frames are int(linspace(0, n − 1, 10)), as retrieve_frames.py samples them', () => {
    // numpy: [int(i) for i in np.linspace(0, 99, 10)]
    expect(referenceFrameWindows(100, 10, 25).map((window) => window.frames)).toEqual([[0], [11], [22], [33], [44], [55], [66], [77], [88], [99]]);
  });

  it('plans the reference geometry for clip and frame encoders, and the encoder\'s own for compact', () => {
    const vcop = trainPreset('clip-order', 'r3d', 'tiny');
    expect(extractionPlan(vcop, 'vcop-reference')).toMatchObject({
      decodeSize: { width: 171, height: 128 },
      inputSize: 112,
      clipsPerVideo: 10,
      framesPerClip: 16,
      pooling: 'reference-grid',
    });
    expect(extractionPlan(vcop, 'compact')).toMatchObject({
      decodeSize: vcop.task.frameSize,
      inputSize: 'cropSize' in vcop.task ? vcop.task.cropSize : 0,
      framesPerClip: 4,
      pooling: 'global-max',
    });
    const opn = trainPreset('sequence-sorting', 'alexnet', 'paper');
    expect(extractionPlan(opn, 'vcop-reference')).toMatchObject({ decodeSize: { width: 256, height: 256 }, inputSize: 227, framesPerClip: 1 });
    expect(extractionPlan(opn, 'compact')).toMatchObject({ inputSize: 'patchSize' in opn.task ? opn.task.patchSize : 0, framesPerClip: 16, subsequence: null });
  });

  it('gives S&L and OPN heads ordered tuples in compact retrieval, spaced by the sampler\'s least gap, in clips that hold one', () => {
    const sl = trainPreset('order-verification', 'alexnet', 'tiny');
    expect(extractionPlan(sl, 'compact')).toMatchObject({ tuple: { frames: 3, stride: TASK_PRESETS['order-verification'].tiny.minGap }, framesPerClip: 16 });
    const opn = trainPreset('sequence-sorting', 'alexnet', 'tiny');
    expect(extractionPlan(opn, 'compact')).toMatchObject({ tuple: { frames: 4, stride: TASK_PRESETS['sequence-sorting'].tiny.minGap }, framesPerClip: 16 });
    const wider = { ...sl, task: { ...TASK_PRESETS['order-verification'].tiny, minGap: 7 } };
    expect(extractionPlan(wider, 'compact').tuple).toEqual({ frames: 3, stride: 7 });
    // The paper's S&L gaps (15 frames) span 31 frames: the clip grows to hold a tuple.
    const paper = trainPreset('order-verification', 'alexnet', 'paper');
    expect(extractionPlan(paper, 'compact')).toMatchObject({ tuple: { frames: 3, stride: 15 }, framesPerClip: 31 });
    expect(extractionPlan(paper, 'vcop-reference')).toMatchObject({ tuple: null, framesPerClip: 1 });
    for (const other of [trainPreset('odd-one-out', 'alexnet', 'tiny'), trainPreset('clip-order', 'r3d', 'tiny')]) {
      expect(extractionPlan(other, 'compact').tuple).toBeNull();
    }
  });

  it('has an encoder trained on dynamic images see them in compact retrieval, spaced as in training; the reference keeps single frames', () => {
    const o3n = trainPreset('odd-one-out', 'alexnet', 'tiny');
    expect(extractionPlan(o3n, 'compact').subsequence).toEqual({ frames: 3, stride: 2 });
    const task = { ...TASK_PRESETS['odd-one-out'].tiny, framesPerSubsequence: 5, frameStride: 1 };
    expect(extractionPlan({ ...o3n, task }, 'compact').subsequence).toEqual({ frames: 5, stride: 1 });
    expect(extractionPlan(o3n, 'vcop-reference')).toMatchObject({ framesPerClip: 1, subsequence: null });
    expect(extractionPlan(trainPreset('clip-order', 'r3d', 'tiny'), 'compact').subsequence).toBeNull();
  });
});
