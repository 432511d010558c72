import { describe, expect, it } from 'vitest';
import { BACKBONES, BACKEND_CHOICES, trainPreset } from '@shared/training.ts';
import { configFields, type GroupField } from './config-form/config-fields.ts';
import {
  BACKBONE_CHOICES,
  BACKEND_OPTIONS,
  TRAIN_FIELD_OPTIONS,
} from './train-options.ts';

describe('train options', () => {
  it('match the shared lists', () => {
    expect(BACKBONE_CHOICES.map((b) => b.id)).toEqual([...BACKBONES]);
    expect(BACKEND_OPTIONS.map((b) => b.id)).toEqual([...BACKEND_CHOICES]);
  });

  it('turn a training config into the schedule, then the task config as a group with fixed keys', () => {
    const config = trainPreset('sequence-sorting', 'alexnet', 'tiny');
    const fields = configFields(config, config, TRAIN_FIELD_OPTIONS);
    expect(fields.map((f) => f.path)).toEqual([
      'steps',
      'batchSize',
      'optimizer',
      'learningRate',
      'momentum',
      'weightDecay',
      'dropout',
      'width',
      'seed',
      'validationFraction',
      'validationTuples',
      'evaluateEvery',
      'checkpointEvery',
      'keepCheckpoints',
      'replicas',
      'task',
    ]);
    expect(fields.find((f) => f.path === 'width')).toMatchObject({ kind: 'number', step: 'any', label: 'Width multiplier' });
    expect(fields.find((f) => f.path === 'steps')).toMatchObject({ kind: 'number', step: 1, value: 300 });
    expect(fields.find((f) => f.path === 'steps')?.hint).toBeTruthy();
    expect(fields.find((f) => f.path === 'optimizer')).toMatchObject({ kind: 'enum', value: 'sgd', options: ['sgd', 'adam'] });
    const task = fields.find((f) => f.path === 'task') as GroupField;
    expect(task).toMatchObject({ kind: 'group', label: 'Task sampling' });
    expect(task.fields.slice(0, 2).map((f) => [f.path, f.kind])).toEqual([
      ['task.task', 'fixed'],
      ['task.tupleFrames', 'fixed'],
    ]);
    const frameSize = task.fields.find((f) => f.path === 'task.frameSize') as GroupField;
    expect(frameSize.fields.map((f) => f.path)).toEqual(['task.frameSize.width', 'task.frameSize.height']);
  });
});
