import { describe, expect, it } from 'vitest';
import { randomFromPreset, randomLikeRun, runSource } from './feature-source.ts';

describe('feature sources', () => {
  it('builds the three kinds of extraction', () => {
    expect(runSource(3)).toEqual({ kind: 'run', runId: 3, checkpoint: 'auto' });
    expect(randomLikeRun(3)).toEqual({ kind: 'random', runId: 3 });
    expect(randomFromPreset('clip-order', 'r3d', 'tiny')).toEqual({ kind: 'random', task: 'clip-order', backbone: 'r3d', preset: 'tiny' });
  });
});
