import { describe, expect, it } from 'vitest';
import { metricPoint } from '../lib/testing/stubs.ts';
import { MetricSeries } from './metric-series.ts';

describe('MetricSeries', () => {
  it('splits points by split, in step order', () => {
    const series = MetricSeries.from([
      metricPoint('train', 2),
      metricPoint('validation', 10),
      metricPoint('train', 1),
      metricPoint('train', 3),
    ]);
    expect(series.train.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(series.validation.map((p) => p.step)).toEqual([10]);
    expect(series.size).toBe(4);
    expect(series.lastStep()).toBe(10);
  });

  it('keeps one point per split and step, the newest winning', () => {
    const series = MetricSeries.from([metricPoint('train', 1), metricPoint('train', 2), metricPoint('validation', 2)]);
    expect(series.add([metricPoint('train', 2)])).toBe(false); // the same point again
    expect(series.add([metricPoint('train', 2, { loss: 9 })])).toBe(true);
    expect(series.train.map((p) => [p.step, p.loss])).toEqual([
      [1, metricPoint('train', 1).loss],
      [2, 9],
    ]);
    expect(series.validation).toHaveLength(1);
    expect(series.add([metricPoint('train', 1.5)])).toBe(true);
    expect(series.train.map((p) => p.step)).toEqual([1, 1.5, 2]);
  });

  it('drops the points after a step', () => {
    const series = MetricSeries.from([1, 2, 3, 4].flatMap((s) => [metricPoint('train', s), metricPoint('validation', s * 2)]));
    expect(series.truncateAfter(3)).toBe(true);
    expect(series.train.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(series.validation.map((p) => p.step)).toEqual([2]);
    expect(series.truncateAfter(10)).toBe(false);
  });

  it('keeps probes in step order, one per step, and drops them with the points after a resume', () => {
    const probe = (step: number, featureSpread = 0.1) => ({ step, featureSpread, featureSize: 64 });
    const series = MetricSeries.from([metricPoint('train', 1)], [probe(50), probe(0)]);
    expect(series.probes.map((p) => p.step)).toEqual([0, 50]);
    expect(series.addProbes([probe(50, 0.02), probe(25)])).toBe(true);
    expect(series.probes).toEqual([probe(0), probe(25), probe(50, 0.02)]);
    expect(series.truncateAfter(30)).toBe(true);
    expect(series.probes.map((p) => p.step)).toEqual([0, 25]);
  });

  it('knows the best validation accuracy', () => {
    const series = new MetricSeries();
    expect(series.bestValidationAccuracy()).toBeNull();
    expect(series.lastStep()).toBeNull();
    series.add([metricPoint('validation', 1, { accuracy: 0.4 }), metricPoint('validation', 2, { accuracy: 0.7 }), metricPoint('train', 3, { accuracy: 0.9 })]);
    expect(series.bestValidationAccuracy()).toBe(0.7);
  });

  it('appends long live series quickly', () => {
    const series = new MetricSeries();
    const started = performance.now();
    for (let step = 1; step <= 100_000; step++) series.add([metricPoint('train', step)]);
    expect(series.train).toHaveLength(100_000);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
