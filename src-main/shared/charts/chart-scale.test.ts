import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../dto.ts';
import { chartModel, downsample, formatStep, polylinePoints } from './chart-scale.ts';

const point = (split: MetricPoint['split'], step: number, loss: number, accuracy: number): MetricPoint => ({
  split,
  step,
  loss,
  accuracy,
  stepsPerSecond: null,
});

describe('labels', () => {
  it('shortens step counts', () => {
    expect(formatStep(0)).toBe('0');
    expect(formatStep(950)).toBe('950');
    expect(formatStep(1000)).toBe('1k');
    expect(formatStep(1500)).toBe('1.5k');
    expect(formatStep(20_000)).toBe('20k');
    expect(formatStep(100_000)).toBe('100k');
    expect(formatStep(1_200_000)).toBe('1.2M');
  });
});

describe('downsample', () => {
  const wave = (n: number) => Array.from({ length: n }, (_, i) => ({ x: i, y: Math.sin(i / 50) * 10 }));

  it('keeps short series as they are', () => {
    const points = wave(10);
    expect(downsample(points, 20)).toEqual(points);
    expect(downsample(points, 20)).not.toBe(points);
  });

  it('keeps the first and last point and at most the threshold, in x order', () => {
    const points = wave(10_000);
    const out = downsample(points, 500);
    expect(out).toHaveLength(500);
    expect(out[0]).toBe(points[0]);
    expect(out.at(-1)).toBe(points.at(-1));
    for (let i = 1; i < out.length; i++) expect(out[i]!.x).toBeGreaterThan(out[i - 1]!.x);
  });

  it('keeps a lone spike', () => {
    const points = Array.from({ length: 5000 }, (_, i) => ({ x: i, y: i === 2345 ? 100 : 0 }));
    expect(downsample(points, 100).some((p) => p.y === 100)).toBe(true);
  });

  it('handles tiny thresholds', () => {
    const points = wave(100);
    expect(downsample(points, 2)).toEqual([points[0], points[99]]);
    expect(downsample(points, 1)).toEqual([points[0]]);
    expect(downsample(points, 0)).toEqual([]);
  });
});

describe('polylinePoints', () => {
  it('writes one decimal per coordinate', () => {
    expect(polylinePoints([{ x: 1, y: 2.345 }, { x: 10.06, y: 0 }])).toBe('1.0,2.3 10.1,0.0');
    expect(polylinePoints([])).toBe('');
  });
});

describe('chartModel', () => {
  it('draws loss and accuracy panels for train and validation over the run’s steps', () => {
    const train = [10, 20, 30].map((s) => point('train', s, 2.5 - s / 20, s / 100));
    const validation = [point('validation', 20, 2.2, 0.3)];
    const model = chartModel({ train, validation, totalSteps: 300, width: 640, panelHeight: 170 });
    expect(model.panels.map((p) => p.metric)).toEqual(['loss', 'accuracy']);
    expect(model.xTicks.map((t) => t.label)).toEqual(['0', '50', '100', '150', '200', '250', '300']);
    expect(model.xTicks[0]!.at).toBe(model.left);
    expect(model.xTicks.at(-1)!.at).toBe(model.right);
    expect(model.drawn).toBe(3 + 1 + 3 + 1);
    expect(model.empty).toBe(false);

    const loss = model.panels[0]!;
    expect(loss.yTicks.map((t) => t.label)).toEqual(['0.0', '0.5', '1.0', '1.5', '2.0', '2.5']);
    expect(loss.lines.map((l) => [l.split, l.drawn])).toEqual([
      ['train', 3],
      ['validation', 1],
    ]);
    const accuracy = model.panels[1]!;
    expect(accuracy.yTicks.map((t) => t.label)).toEqual(['0 %', '25 %', '50 %', '75 %', '100 %']);
    // 100 % at the top of the plot, 0 % at the bottom.
    expect(accuracy.yTicks.at(-1)!.at).toBe(accuracy.top);
    expect(accuracy.yTicks[0]!.at).toBe(accuracy.bottom);
    expect(accuracy.lines[1]!.marks).toHaveLength(1);
  });

  it('downsamples thousands of points to about one per pixel and skips non-finite values', () => {
    const train = Array.from({ length: 20_000 }, (_, i) => point('train', i + 1, i === 7 ? Number.NaN : 3 / (1 + i / 500), i / 20_000));
    const validation = Array.from({ length: 200 }, (_, i) => point('validation', (i + 1) * 100, 2, 0.5));
    const model = chartModel({ train, validation, totalSteps: 20_000, width: 640 });
    const plotWidth = model.right - model.left;
    for (const panel of model.panels) {
      for (const line of panel.lines) expect(line.drawn).toBeLessThanOrEqual(plotWidth);
    }
    expect(model.panels[0]!.lines[0]!.total).toBe(19_999);
    expect(model.panels[1]!.lines[0]!.total).toBe(20_000);
    expect(model.panels[0]!.lines[0]!.marks).toEqual([]);
    expect(model.drawn).toBeLessThanOrEqual(4 * plotWidth);
    expect(model.panels[0]!.lines[0]!.points).not.toContain('NaN');
  });

  it('spans the last step when it passes the total and has an empty state', () => {
    const empty = chartModel({ train: [], validation: [], totalSteps: null });
    expect(empty.empty).toBe(true);
    expect(empty.drawn).toBe(0);
    expect(empty.panels[0]!.lines[0]!.points).toBe('');
    expect(empty.xTicks.map((t) => t.label)).toEqual(['0', '1']);
    const beyond = chartModel({ train: [point('train', 500, 1, 0.5)], validation: [], totalSteps: 100 });
    expect(beyond.xTicks.at(-1)!.label).toBe('500');
  });

  it('ends the loss axis at a nice value above the largest loss, with the decimals its spacing needs', () => {
    const model = chartModel({ train: [point('train', 10, 0.69, 0.5)], validation: [], totalSteps: 100 });
    const loss = model.panels[0]!;
    expect(loss.yTicks.map((t) => t.label)).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8']);
    expect(loss.yTicks.at(-1)!.at).toBe(loss.top);
    expect(loss.yTicks[0]!.at).toBe(loss.bottom);
    const noLoss = chartModel({ train: [], validation: [], totalSteps: 100 }).panels[0]!;
    expect(noLoss.yTicks.map((t) => t.label).at(-1)).toBe('1.0');
  });

  it('labels whole steps only on a short run, and draws values off the axis at its edge', () => {
    const model = chartModel({ train: [point('train', 3, 1, 1.5)], validation: [], totalSteps: 3 });
    expect(model.xTicks.map((t) => t.label)).toEqual(['0', '1', '2', '3']);
    const accuracy = model.panels[1]!;
    expect(accuracy.lines[0]!.marks[0]!.y).toBe(accuracy.top);
  });

  it('draws the chance line on the accuracy panel, and the majority class where it differs', () => {
    const train = [point('train', 10, 1, 0.7)];
    const vcop = chartModel({ train, validation: [], totalSteps: 100, baseline: { chance: 1 / 6, majority: 1 / 6 } });
    const [loss, accuracy] = vcop.panels;
    expect(loss!.guides).toEqual([]);
    expect(accuracy!.guides.map((g) => [g.kind, g.label])).toEqual([['chance', 'chance 16.7 %']]);
    const y = (share: number) => accuracy!.bottom + (accuracy!.top - accuracy!.bottom) * share;
    expect(accuracy!.guides[0]!.at).toBeCloseTo(y(1 / 6));

    const shuffleAndLearn = chartModel({ train, validation: [], totalSteps: 100, baseline: { chance: 0.5, majority: 0.75 } });
    expect(shuffleAndLearn.panels[1]!.guides.map((g) => [g.kind, g.label, g.at])).toEqual([
      ['chance', 'chance 50 %', y(0.5)],
      ['majority', 'majority class 75 %', y(0.75)],
    ]);
    expect(chartModel({ train, validation: [] }).panels[1]!.guides).toEqual([]);
  });
});
