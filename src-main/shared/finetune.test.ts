import { describe, expect, it } from 'vitest';
import { finetuneConfigOf, finetunePreset, finetuneTrainConfig } from './finetune.ts';
import { trainPreset } from './training.ts';

describe('fine-tune config', () => {
  it('the paper preset is VCOP’s recipe; tiny is Adam 1e-3; both test on 10 clips per video', () => {
    expect(finetunePreset(3, 'paper')).toMatchObject({
      parentRunId: 3,
      checkpoint: 'auto',
      optimizer: 'sgd',
      learningRate: 1e-3,
      momentum: 0.9,
      weightDecay: 5e-4,
      batchSize: 8,
      testClips: 10,
    });
    expect(finetunePreset(3, 'tiny')).toMatchObject({ optimizer: 'adam', learningRate: 1e-3, testClips: 10 });
  });

  it('takes a preset with overrides, and names every bad field', () => {
    expect(finetuneConfigOf({ parentRunId: 2, preset: 'paper', steps: 10, checkpoint: 40 })).toMatchObject({ steps: 10, checkpoint: 40, batchSize: 8 });
    expect(finetuneConfigOf({ parentRunId: 2 })).toEqual(finetunePreset(2, 'tiny'));
    const bad = (request: object) => {
      try {
        finetuneConfigOf(request as never);
      } catch (error) {
        return { code: (error as { code: string }).code, message: (error as Error).message };
      }
      throw new Error('accepted');
    };
    expect(bad({ parentRunId: 0 })).toEqual({ code: 'INVALID_INPUT', message: expect.stringMatching(/parentRunId: parentRunId must be at least 1/) });
    expect(bad({ parentRunId: 1, steps: 1.5 }).message).toMatch(/steps: steps must be a whole number/);
    expect(bad({ parentRunId: 1, checkpoint: 'first' }).message).toMatch(/checkpoint must be auto, best, last, a checkpoint's step, or random \(the random-init baseline\)/);
    expect(bad({ parentRunId: 1, preset: 'huge' }).message).toMatch(/preset must be tiny or paper|preset must be paper or tiny/);
    expect(bad({ parentRunId: 1, split: { seed: 0, testFraction: 1 } }).message).toMatch(/split.testFraction: split.testFraction must be below 1/);
    expect(bad({ parentRunId: 1, testClips: 0 }).message).toMatch(/testClips must be at least 1/);
    expect(bad({ parentRunId: 1, learningRate: -1, dropout: 2 }).message).toMatch(/learningRate must be positive.*dropout must be at most 0.9/);
    expect(bad({ parentRunId: 1, width: 2 }).message).toMatch(/width/);
  });

  it('trains with the parent’s task, backbone and width and its own schedule', () => {
    const parent = trainPreset('clip-order', 'r3d', 'tiny');
    const config = finetuneTrainConfig(parent, finetunePreset(1, 'tiny'), 12);
    expect(config).toMatchObject({ task: parent.task, backbone: 'r3d', width: parent.width, optimizer: 'adam', validationTuples: 12 });
  });
});
