import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../dto.ts';
import { runCurvesChart, type RunCurve } from './run-curves.ts';

const point = (split: MetricPoint['split'], step: number, loss: number, accuracy: number): MetricPoint => ({
  split,
  step,
  loss,
  accuracy,
  stepsPerSecond: null,
});

/** Parses an SVG polyline's points back into numbers. */
const coordinates = (points: string) => points.split(' ').filter(Boolean).map((pair) => pair.split(',').map(Number) as [number, number]);

const short: RunCurve = {
  runId: 1,
  name: 'Run 1',
  colour: '#111111',
  totalSteps: 10,
  points: [point('train', 10, 1, 0.5), point('train', 5, 3, 0.2), point('validation', 10, 2, 0.4)],
};
const long: RunCurve = {
  runId: 2,
  name: 'Run 2',
  colour: '#222222',
  totalSteps: 40,
  points: [point('train', 20, 0.5, 0.8), point('train', 40, Number.NaN, 0.9)],
};

describe('run curves chart', () => {
  it('draws a train and a validation line per run in its colour, on one step axis spanning the longest run', () => {
    const chart = runCurvesChart([short, long], 'loss', { width: 400, height: 200 });
    expect(chart.lines.map((line) => [line.runId, line.split, line.colour, line.drawn])).toEqual([
      [1, 'train', '#111111', 2],
      [1, 'validation', '#111111', 1],
      [2, 'train', '#222222', 1], // the NaN loss is left out
      [2, 'validation', '#222222', 0],
    ]);
    const [first, second] = coordinates(chart.lines[0]!.points);
    // Points in step order; step 40 (the longest run) at the right edge, so step 10 a quarter of the way.
    expect(first![0]).toBeLessThan(second![0]);
    expect(second![0]).toBeCloseTo(chart.left + (chart.right - chart.left) / 4, 0);
    expect(chart.xTicks.at(-1)?.label).toBe('40');
    // Loss from 0 to a nice 3: the highest loss touches the top, lower losses sit lower.
    expect(chart.yTicks.at(-1)?.label).toBe('3');
    expect(first![1]).toBeCloseTo(chart.top, 0);
    expect(second![1]).toBeGreaterThan(first![1]);
    expect(chart.lines[1]!.marks).toHaveLength(1);
    expect(chart.lines[0]!.marks).toEqual([]);
    expect(chart.empty).toBe(false);
  });

  it('scales accuracy to [0, 1] in percent and says when no run has a point', () => {
    const chart = runCurvesChart([short], 'accuracy');
    expect(chart.title).toBe('Pretext accuracy');
    expect(chart.yTicks.map((tick) => tick.label)).toEqual(['0 %', '25 %', '50 %', '75 %', '100 %']);
    expect(runCurvesChart([{ ...long, points: [] }], 'accuracy').empty).toBe(true);
    expect(runCurvesChart([], 'loss').lines).toEqual([]);
  });

  it('downsamples a long run to about one point per pixel', () => {
    const points = Array.from({ length: 5000 }, (_, i) => point('train', i + 1, Math.sin(i / 40) + 2, 0.5));
    const chart = runCurvesChart([{ ...long, points, totalSteps: 5000 }], 'loss', { width: 300 });
    expect(chart.lines[0]!.drawn).toBe(300 - 46 - 14);
  });
});
