import { describe, expect, it } from 'vitest';
import { ApiError } from '@shared/errors.ts';
import { TASK_IDS, TASK_PRESETS } from '@shared/tasks.ts';
import {
  changedPaths,
  configFields,
  fieldErrorsFrom,
  humanize,
  parseNumber,
  valueAt,
  withValue,
  type GroupField,
  type LeafField,
} from './config-fields.ts';

describe('configFields', () => {
  it('turns a config into fields by value type, in key order, nested objects as groups', () => {
    const config = TASK_PRESETS['sequence-sorting'].paper;
    const fields = configFields(config, config);
    expect(fields.map((f) => [f.path, f.kind])).toEqual([
      ['task', 'fixed'],
      ['tupleFrames', 'fixed'],
      ['windowFrames', 'number'],
      ['minGap', 'number'],
      ['motionTopFraction', 'number'],
      ['frameSize', 'group'],
      ['patchSize', 'number'],
      ['jitter', 'number'],
      ['channelSplit', 'boolean'],
      ['flip', 'boolean'],
    ]);
    const frameSize = fields.find((f) => f.key === 'frameSize') as GroupField;
    expect(frameSize.fields).toEqual([
      expect.objectContaining({ path: 'frameSize.width', label: 'Width', kind: 'number', value: 171, step: 1 }),
      expect.objectContaining({ path: 'frameSize.height', label: 'Height', kind: 'number', value: 128, step: 1 }),
    ]);
    const fraction = fields.find((f) => f.key === 'motionTopFraction') as LeafField;
    expect(fraction).toMatchObject({ label: 'Motion top fraction', step: 'any', value: 0.3 });
    expect(fraction.hint).toBeTruthy();
  });

  it('offers every choice of the enum keys and keeps an unknown value selectable', () => {
    const fusion = configFields(TASK_PRESETS['odd-one-out'].tiny).find((f) => f.key === 'fusion') as LeafField;
    expect(fusion).toMatchObject({ kind: 'enum', options: ['concat', 'sum-of-differences'] });
    const mode = configFields(TASK_PRESETS['clip-order'].tiny).find((f) => f.key === 'mode') as LeafField;
    expect(mode.options).toEqual(['train', 'eval']);
    const odd = configFields({ task: 'clip-order', mode: 'test', note: 'free' });
    expect(odd.map((f) => [f.kind, (f as LeafField).options])).toEqual([
      ['fixed', undefined],
      ['enum', ['train', 'eval', 'test']],
      ['text', undefined],
    ]);
  });

  it('makes a step of 1 only when the preset value is whole', () => {
    const preset = TASK_PRESETS['order-verification'].paper;
    const edited = withValue(preset, 'minGap', 2.5);
    const minGap = configFields(edited, preset).find((f) => f.key === 'minGap') as LeafField;
    expect(minGap).toMatchObject({ value: 2.5, step: 1 });
  });

  it('covers every key of every preset', () => {
    for (const id of TASK_IDS) {
      for (const config of [TASK_PRESETS[id].paper, TASK_PRESETS[id].tiny]) {
        const paths = configFields(config).flatMap((f) => (f.kind === 'group' ? f.fields.map((c) => c.path) : [f.path]));
        expect(paths).toContain('frameSize.width');
        for (const path of paths) expect(valueAt(config, path)).toBeDefined();
      }
    }
  });
});

describe('configFields options', () => {
  it('nests a task config, leaves out, reorders, relabels and adds hints', () => {
    const task = TASK_PRESETS['order-verification'].tiny;
    const config = { lr: 0.01, steps: 300, task, mode: 'x' };
    const fields = configFields(config, config, {
      taskPath: 'task',
      omit: ['mode', 'task.negativeRatio'],
      order: ['steps', 'missing'],
      labels: { task: 'Task sampling', 'task.cropSize': 'Crop' },
      hints: { steps: 'How long.' },
    });
    expect(fields.map((f) => f.path)).toEqual(['steps', 'lr', 'task']);
    expect(fields[0]).toMatchObject({ hint: 'How long.', step: 1 });
    const group = fields[2] as GroupField;
    expect(group.label).toBe('Task sampling');
    const kinds = Object.fromEntries(group.fields.map((f) => [f.path, f.kind]));
    expect(kinds).toMatchObject({ 'task.task': 'fixed', 'task.candidateFrames': 'fixed', 'task.cropSize': 'number' });
    expect(kinds['task.negativeRatio']).toBeUndefined();
    expect(group.fields.find((f) => f.path === 'task.cropSize')).toMatchObject({ label: 'Crop', hint: expect.any(String) });
    // Fixed keys count only at the task config's level.
    expect(configFields({ task: 'free text' }, undefined, { taskPath: 'task' })[0]?.kind).toBe('text');
  });

  it('offers the choices given for a key outside the task config', () => {
    const fields = configFields({ optimizer: 'adam' }, undefined, { choices: { optimizer: ['sgd', 'adam'] } });
    expect(fields[0]).toMatchObject({ kind: 'enum', value: 'adam', options: ['sgd', 'adam'] });
    expect(configFields({ optimizer: 'adam' })[0]?.kind).toBe('text');
  });
});

describe('withValue / changedPaths', () => {
  it('sets a value by path without touching the original', () => {
    const preset = TASK_PRESETS['clip-order'].tiny;
    const edited = withValue(preset, 'frameSize.height', 60);
    expect(edited.frameSize).toEqual({ width: 64, height: 60 });
    expect(preset.frameSize.height).toBe(48);
    expect(changedPaths(preset, edited)).toEqual(['frameSize.height']);
    expect(changedPaths(preset, withValue(edited, 'mode', 'eval'))).toEqual(['frameSize.height', 'mode']);
    expect(changedPaths(preset, structuredClone(preset))).toEqual([]);
  });

  it('refuses unknown paths and groups', () => {
    const preset = TASK_PRESETS['clip-order'].tiny;
    expect(() => withValue(preset, 'nope', 1)).toThrow(/no field "nope"/);
    expect(() => withValue(preset, 'frameSize', 1)).toThrow(/group/);
    expect(() => withValue(preset, 'clips.x', 1)).toThrow(/no field/);
    expect(valueAt(preset, 'frameSize.depth')).toBeUndefined();
  });
});

describe('parseNumber / humanize', () => {
  it('parses typed numbers', () => {
    expect(parseNumber(' 12 ')).toBe(12);
    expect(parseNumber('0.25')).toBe(0.25);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('abc')).toBeNull();
    expect(parseNumber('Infinity')).toBeNull();
  });

  it('words a camelCase key', () => {
    expect(humanize('framesPerSubsequence')).toBe('Frames per subsequence');
    expect(humanize('cropSize')).toBe('Crop size');
    expect(humanize('mode')).toBe('Mode');
  });
});

describe('fieldErrorsFrom', () => {
  it('maps INVALID_INPUT issues below config onto fields', () => {
    const error = new ApiError('INVALID_INPUT', 'Invalid input for tasks.sample: …', [
      { path: 'config.cropSize', message: 'cropSize must fit inside frameSize' },
      { path: 'config.frameSize.width', message: 'frameSize.width must be at least 8' },
      { path: 'config.frameSize.width', message: 'frameSize.width must be a whole number' },
      { path: 'seed', message: 'Too big' },
      { path: 'config', message: 'Invalid discriminator' },
      'not an issue',
    ]);
    expect(fieldErrorsFrom(error)).toEqual({
      cropSize: 'cropSize must fit inside frameSize',
      'frameSize.width': 'frameSize.width must be at least 8; frameSize.width must be a whole number',
    });
  });

  it('is empty for other errors', () => {
    expect(fieldErrorsFrom(new ApiError('NOT_FOUND', 'No video 3'))).toEqual({});
    expect(fieldErrorsFrom(new ApiError('INVALID_INPUT', 'too short'))).toEqual({});
    expect(fieldErrorsFrom(new Error('boom'))).toEqual({});
  });
});
