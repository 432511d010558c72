import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelFor } from './label.ts';

describe('labelFor', () => {
  const root = join('/data', 'UCF101');
  it('is the parent folder name below the root', () => {
    expect(labelFor(root, join(root, 'ApplyEyeMakeup', 'v_1.avi'))).toBe('ApplyEyeMakeup');
    expect(labelFor(root, join(root, 'sports', 'Golf Swing', 'v.avi'))).toBe('Golf Swing');
  });
  it('is null for videos directly in the root or outside it', () => {
    expect(labelFor(root, join(root, 'v.avi'))).toBeNull();
    expect(labelFor(root, join('/elsewhere', 'x', 'v.avi'))).toBeNull();
  });
});
