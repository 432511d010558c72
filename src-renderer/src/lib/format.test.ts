import { describe, expect, it } from 'vitest';
import {
  formatAccuracy,
  formatBytes,
  formatCount,
  formatDateTime,
  formatDuration,
  formatEta,
  formatFps,
  formatPercent,
  formatResolution,
  formatSteps,
  plural,
} from './format.ts';

describe('formatDuration', () => {
  it('formats m:ss and h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7.2)).toBe('0:07');
    expect(formatDuration(59.6)).toBe('1:00');
    expect(formatDuration(725)).toBe('12:05');
    expect(formatDuration(3723)).toBe('1:02:03');
  });
  it('shows a dash for unknown or invalid values', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });
});

describe('formatEta', () => {
  it('formats seconds, minutes and hours', () => {
    expect(formatEta(0)).toBe('0 s');
    expect(formatEta(45)).toBe('45 s');
    expect(formatEta(60)).toBe('1 min');
    expect(formatEta(80)).toBe('1 min 20 s');
    expect(formatEta(3600)).toBe('1 h');
    expect(formatEta(3600 + 5 * 60 + 30)).toBe('1 h 5 min');
  });
  it('says so while there is no estimate', () => {
    expect(formatEta(null)).toBe('estimating…');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('formatBytes', () => {
  it('uses decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.5 KB');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatBytes(123_456_789)).toBe('123 MB');
    expect(formatBytes(12e9)).toBe('12 GB');
    expect(formatBytes(null)).toBe('—');
  });
});

describe('small formatters', () => {
  it('formats resolution, fps, counts, dates and plurals', () => {
    expect(formatResolution(320, 240)).toBe('320×240');
    expect(formatResolution(null, 240)).toBe('—');
    expect(formatFps(25)).toBe('25 fps');
    expect(formatFps(29.97002997)).toBe('29.97 fps');
    expect(formatFps(null)).toBe('—');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(13320)).toBe('13,320');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(plural(1, 'video')).toBe('1 video');
    expect(plural(2, 'video')).toBe('2 videos');
    expect(formatDateTime('not a date')).toBe('not a date');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime(new Date(2025, 0, 2, 3, 4, 5).toISOString())).toBe('2025-01-02 03:04:05');
  });
});

describe('formatPercent, formatAccuracy and formatSteps', () => {
  it('formats shares, accuracies and step counts, with dashes for nulls', () => {
    expect(formatPercent(0.123)).toBe('12 %');
    expect(formatPercent(-0.05, 1)).toBe('-5.0 %');
    expect(formatPercent(null)).toBe('—');
    expect(formatAccuracy(0.8345)).toBe('83.5 %');
    expect(formatAccuracy(null)).toBe('—');
    expect(formatSteps(1200, 100_000)).toBe('1,200 / 100,000');
  });
});
