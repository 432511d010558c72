/**
 * Several runs' curves of one metric on one chart: a colour per run, train as a line and validation
 * as a dashed line with dots, one step axis spanning the longest run. The same scales, ticks and
 * downsampling as the single-run chart (chart-scale.ts); plain data the component only draws. Pure.
 */
import { scaleLinear } from 'd3-scale';
import type { MetricPoint, MetricSplit } from '../dto.ts';
import { downsample, formatStep, polylinePoints, type ChartMetric, type ChartTick, type XY } from './chart-scale.ts';

export interface RunCurve {
  runId: number;
  name: string;
  colour: string;
  /** The run's metric points, train and validation, in any order. */
  points: readonly MetricPoint[];
  totalSteps: number;
}

export interface RunCurveLine {
  runId: number;
  split: MetricSplit;
  colour: string;
  /** SVG polyline points; "" when the run has none of this split. */
  points: string;
  drawn: number;
  /** Dots for validation (measured rarely). */
  marks: XY[];
}

export interface RunCurvesChart {
  metric: ChartMetric;
  title: string;
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  xTicks: ChartTick[];
  yTicks: ChartTick[];
  lines: RunCurveLine[];
  /** No run has a point of this metric. */
  empty: boolean;
}

export interface RunCurvesOptions {
  width?: number;
  height?: number;
  /** Most points one line draws; default one per pixel of plot width. */
  maxPointsPerLine?: number;
}

const MARGIN = { left: 46, right: 14, top: 20, bottom: 22 };
export const CURVE_TITLES: Readonly<Record<ChartMetric, string>> = { loss: 'Loss', accuracy: 'Pretext accuracy' };

/** The chart of `metric` for `runs`, in their order (later runs draw on top). */
export function runCurvesChart(runs: readonly RunCurve[], metric: ChartMetric, options: RunCurvesOptions = {}): RunCurvesChart {
  const width = options.width ?? 640;
  const height = options.height ?? 220;
  const [left, right, top, bottom] = [MARGIN.left, width - MARGIN.right, MARGIN.top, height - MARGIN.bottom];
  const maxPoints = Math.max(2, Math.floor(options.maxPointsPerLine ?? right - left));
  const usable = runs.map((run) =>
    run.points.filter((p) => Number.isFinite(p.step) && Number.isFinite(p[metric])).sort((a, b) => a.step - b.step),
  );

  // Loops, not Math.max(...): long runs have more points than a call may take arguments.
  let stepMax = 1;
  let valueMax = 0;
  runs.forEach((run, i) => {
    stepMax = Math.max(stepMax, run.totalSteps);
    for (const p of usable[i]!) {
      stepMax = Math.max(stepMax, p.step);
      valueMax = Math.max(valueMax, p[metric]);
    }
  });
  const x = scaleLinear([0, stepMax], [left, right]);
  // Whole steps only: a short run's axis would otherwise read 0.5, 1.5 …
  const xTicks = x
    .ticks(Math.max(2, Math.round((right - left) / 100)))
    .filter(Number.isInteger)
    .map((step) => ({ at: x(step), label: formatStep(step) }));
  // Loss from 0 to a nice value at or above the largest; accuracy on [0, 1]; off-axis values at the edge.
  const y = scaleLinear([0, metric === 'loss' && valueMax > 0 ? valueMax : 1], [bottom, top])
    .nice(4)
    .clamp(true);
  const ticks = metric === 'loss' ? y.ticks(4) : [0, 0.25, 0.5, 0.75, 1];
  const label = metric === 'loss' ? y.tickFormat(4) : (value: number) => `${Math.round(value * 100)} %`;
  const yTicks = ticks.map((value) => ({ at: y(value), label: label(value) }));

  const lines = runs.flatMap((run, i) =>
    (['train', 'validation'] as const).map((split): RunCurveLine => {
      const xy = usable[i]!.filter((p) => p.split === split).map((p) => ({ x: x(p.step), y: y(p[metric]) }));
      const drawn = downsample(xy, maxPoints);
      return {
        runId: run.runId,
        split,
        colour: run.colour,
        points: polylinePoints(drawn),
        drawn: drawn.length,
        marks: split === 'validation' ? drawn : [],
      };
    }),
  );
  return {
    metric,
    title: CURVE_TITLES[metric],
    width,
    height,
    left,
    right,
    top,
    bottom,
    xTicks,
    yTicks,
    lines,
    empty: usable.every((points) => points.length === 0),
  };
}
