import { describe, expect, it } from 'vitest';
import { clipStillMs, formatClipLayout, formatClipRate, formatClipSpan, formatFeatureSize, formatScore } from './retrieve-format.ts';

describe('Retrieve formatting', () => {
  it('shows scores with three decimals', () => {
    expect(formatScore(0.87251)).toBe('0.873');
    expect(formatScore(-0.12)).toBe('-0.120');
    expect(formatScore(1)).toBe('1.000');
    expect(formatScore(null)).toBe('—');
  });

  it('takes a clip’s still from its middle, in whole milliseconds', () => {
    expect(clipStillMs({ index: 4, startSeconds: 2, endSeconds: 2.64 })).toBe(2320);
    expect(clipStillMs({ index: 0, startSeconds: 0, endSeconds: 0.0015 })).toBe(1);
  });

  it('shows clips, rates and sizes', () => {
    expect(formatClipSpan({ index: 4, startSeconds: 2, endSeconds: 2.64 })).toBe('2.00–2.64 s');
    expect(formatClipRate(0.853)).toBe('0.85 clips/s');
    expect(formatClipRate(12.46)).toBe('12.5 clips/s');
    expect(formatClipRate(240.4)).toBe('240 clips/s');
    expect(formatClipRate(null)).toBe('—');
    expect(formatFeatureSize(512)).toBe('512-d');
    expect(formatFeatureSize(null)).toBe('—');
    expect(formatClipLayout({ clipsPerVideo: 10, framesPerClip: 16 })).toBe('10 clips × 16 frames');
  });
});
