// Tests of the task presets and option schemas (src-main/shared/tasks/; kept here: this folder owns the
// task layer). registry.test.ts checks that every preset validates.
import { describe, expect, it } from 'vitest';
import { taskConfigSchema } from '../../shared/task-schemas.ts';
import { TASK_IDS, TASK_PRESETS, TASKS } from '../../shared/tasks.ts';
import { trainConfigSchema, trainPreset } from '../../shared/training.ts';

const messagesOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((issue) => issue.message) ?? [];

describe('task presets', () => {
  it('paper presets carry the values of PAPERS.md', () => {
    expect(TASK_PRESETS['order-verification'].paper).toMatchObject({
      candidateFrames: 5,
      tupleFrames: 3,
      negativeRatio: 0.75,
      cropSize: 227,
    });
    expect(TASK_PRESETS['sequence-sorting'].paper).toMatchObject({
      tupleFrames: 4,
      patchSize: 80,
      jitter: 5,
      channelSplit: true,
      flip: true,
    });
    expect(TASK_PRESETS['odd-one-out'].paper).toMatchObject({ subsequences: 6, framesPerSubsequence: 6 });
    expect(TASK_PRESETS['clip-order'].paper).toMatchObject({
      clips: 3,
      clipLength: 16,
      interval: 8,
      frameSize: { width: 171, height: 128 },
      cropSize: 112,
      mode: 'train',
    });
  });

  it('tiny presets keep every mechanism with small crops', () => {
    const { paper, tiny } = TASK_PRESETS['sequence-sorting'];
    expect([tiny.tupleFrames, tiny.channelSplit, tiny.flip]).toEqual([paper.tupleFrames, true, true]);
    expect(tiny.jitter).toBeGreaterThan(0);
    expect(TASK_PRESETS['order-verification'].tiny.negativeRatio).toBe(0.75);
    expect(TASK_PRESETS['clip-order'].tiny.interval).toBeGreaterThan(0);
    for (const task of TASK_IDS) {
      const tiny: Record<string, unknown> = TASK_PRESETS[task].tiny;
      const side = tiny['cropSize'] ?? tiny['patchSize'];
      expect(side).toBeGreaterThanOrEqual(32);
      expect(side).toBeLessThanOrEqual(64);
    }
  });
});

describe('run presets', () => {
  it('train clip tasks on two replicas at tiny size, everything else on one', () => {
    for (const task of TASK_IDS) {
      const backbone = TASKS[task].backbones[0];
      const tiny = trainPreset(task, backbone, 'tiny');
      expect([task, tiny.replicas]).toEqual([task, task === 'clip-order' ? 2 : 1]);
      expect(trainPreset(task, backbone, 'paper').replicas).toBe(1);
      expect(trainConfigSchema.parse(tiny)).toEqual(tiny);
    }
  });

  it('train R(2+1)D with Adam 1e-3 at tiny size, every other backbone with SGD 0.01, and the paper with SGD 1e-3', () => {
    for (const task of TASK_IDS) {
      for (const backbone of TASKS[task].backbones) {
        const { optimizer, learningRate } = trainPreset(task, backbone, 'tiny');
        expect([backbone, optimizer, learningRate]).toEqual(backbone === 'r2plus1d' ? [backbone, 'adam', 1e-3] : [backbone, 'sgd', 0.01]);
        expect(trainPreset(task, backbone, 'paper')).toMatchObject({ optimizer: 'sgd', learningRate: 1e-3 });
      }
    }
  });
});

describe('task config schemas', () => {
  it('explains a window too small for its frames', () => {
    const result = taskConfigSchema.safeParse({ ...TASK_PRESETS['order-verification'].paper, windowFrames: 60 });
    expect(messagesOf(result)).toEqual([
      'windowFrames must be at least 4 × minGap + 1, so 5 frames minGap apart fit',
    ]);
    expect(result.error?.issues[0]?.path).toEqual(['windowFrames']);
  });

  it('explains a crop larger than the frame', () => {
    const result = taskConfigSchema.safeParse({ ...TASK_PRESETS['clip-order'].paper, cropSize: 129 });
    expect(messagesOf(result)).toEqual(['cropSize must fit inside frameSize']);
  });

  it('explains out-of-range and fractional numbers, bad enums and unknown keys', () => {
    const sorting = TASK_PRESETS['sequence-sorting'].paper;
    expect(messagesOf(taskConfigSchema.safeParse({ ...sorting, jitter: 2.5 }))).toEqual(['jitter must be a whole number']);
    expect(messagesOf(taskConfigSchema.safeParse({ ...sorting, motionTopFraction: 0 }))).toEqual([
      'motionTopFraction must be above 0',
    ]);
    const oddOneOut = TASK_PRESETS['odd-one-out'].paper;
    expect(messagesOf(taskConfigSchema.safeParse({ ...oddOneOut, subsequences: 2 }))).toEqual([
      'subsequences must be at least 3',
    ]);
    expect(messagesOf(taskConfigSchema.safeParse({ ...oddOneOut, fusion: 'max' }))).toEqual([
      'fusion must be one of: concat, sum-of-differences',
    ]);
    expect(taskConfigSchema.safeParse({ ...oddOneOut, extra: 1 }).success).toBe(false);
    expect(taskConfigSchema.safeParse({ ...sorting, tupleFrames: 5 }).success).toBe(false);
  });
});
