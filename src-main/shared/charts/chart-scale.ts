/**
 * Geometry of the metric chart: d3's linear scales and "nice" ticks, step labels, downsampling of long
 * series to about one point per pixel (largest-triangle-three-buckets, which keeps the curve's shape
 * and its spikes), and the whole chart as plain data the component only draws. Pure.
 */
import { scaleLinear } from 'd3-scale';
import type { MetricPoint, MetricSplit } from '../dto.ts';
import type { PretextBaseline } from '../task-labels.ts';

type Scale = (value: number) => number;

/** A step count for an axis: "0", "950", "1k", "1.5k", "100k", "1.2M". */
export function formatStep(step: number): string {
  if (!Number.isFinite(step)) return '';
  const abs = Math.abs(step);
  const short = (value: number, unit: string) => `${Number(value.toFixed(value < 10 ? 1 : 0))}${unit}`;
  if (abs >= 1e6) return short(step / 1e6, 'M');
  if (abs >= 1e3) return short(step / 1e3, 'k');
  return String(Math.round(step));
}

export interface XY {
  x: number;
  y: number;
}

/**
 * At most `threshold` of `points` (in x order), chosen by largest-triangle-three-buckets: the first and
 * last are kept, and from each bucket between the point that spans the largest triangle with its
 * neighbours. Fewer points than the threshold come back as they are (a copy).
 */
export function downsample<T extends XY>(points: readonly T[], threshold: number): T[] {
  const n = points.length;
  const limit = Math.floor(threshold);
  if (limit >= n || n <= 2) return points.slice();
  if (limit <= 2) return limit <= 0 ? [] : limit === 1 ? [points[0] as T] : [points[0] as T, points[n - 1] as T];
  const out: T[] = [points[0] as T];
  const every = (n - 2) / (limit - 2);
  let a = 0;
  for (let i = 0; i < limit - 2; i++) {
    const avgStart = Math.floor((i + 1) * every) + 1;
    const avgEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = avgStart; j < avgEnd; j++) {
      avgX += (points[j] as T).x;
      avgY += (points[j] as T).y;
    }
    const count = Math.max(1, avgEnd - avgStart);
    avgX /= count;
    avgY /= count;
    const from = Math.floor(i * every) + 1;
    const to = Math.floor((i + 1) * every) + 1;
    const anchor = points[a] as T;
    let best = from;
    let bestArea = -1;
    for (let j = from; j < to; j++) {
      const p = points[j] as T;
      const area = Math.abs((anchor.x - avgX) * (p.y - anchor.y) - (anchor.x - p.x) * (avgY - anchor.y));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(points[best] as T);
    a = best;
  }
  out.push(points[n - 1] as T);
  return out;
}

/** `points` for an SVG polyline, one decimal per coordinate. */
export function polylinePoints(points: readonly XY[]): string {
  return points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

export type ChartMetric = 'loss' | 'accuracy';

export interface ChartLine {
  split: MetricSplit;
  /** SVG polyline points; "" when the series is empty. */
  points: string;
  /** Points drawn (after downsampling). */
  drawn: number;
  /** Points in the series (finite values only). */
  total: number;
  /** Dots for sparse series (validation is measured rarely); empty for dense ones. */
  marks: XY[];
}

export interface ChartTick {
  /** Position on the axis (x for steps, y for values). */
  at: number;
  label: string;
}

/** A level drawn across a panel: chance, or the majority class. */
export interface ChartGuide {
  kind: 'chance' | 'majority';
  /** y of the line. */
  at: number;
  label: string;
}

export interface ChartPanel {
  metric: ChartMetric;
  title: string;
  /** The plot area. */
  top: number;
  bottom: number;
  yTicks: ChartTick[];
  lines: ChartLine[];
  /** Accuracy a run reaches without learning: what the curves must rise above. */
  guides: ChartGuide[];
}

export interface ChartModel {
  width: number;
  height: number;
  left: number;
  right: number;
  /** Step ticks, shared by the panels. */
  xTicks: ChartTick[];
  panels: ChartPanel[];
  /** Points drawn over all lines. */
  drawn: number;
  /** No point in any series. */
  empty: boolean;
}

export interface ChartInput {
  train: readonly MetricPoint[];
  validation: readonly MetricPoint[];
  /** The run's total steps: the step axis spans it so a live run fills in from the left. */
  totalSteps?: number | null;
  width?: number;
  /** Height of one panel (loss, accuracy) with its title and step labels. */
  panelHeight?: number;
  /** Most points one line draws; default one per pixel of plot width. */
  maxPointsPerLine?: number;
  /** The task's chance and majority-class accuracy, drawn on the accuracy panel. */
  baseline?: PretextBaseline | null;
}

/** Chance, and the majority class where it differs (S&L's 75 % negatives). */
function guides(baseline: PretextBaseline | null | undefined, y: Scale): ChartGuide[] {
  if (!baseline) return [];
  const percent = (share: number) => `${Number((share * 100).toFixed(1))} %`;
  const list: ChartGuide[] = [{ kind: 'chance', at: y(baseline.chance), label: `chance ${percent(baseline.chance)}` }];
  if (baseline.majority > baseline.chance) {
    list.push({ kind: 'majority', at: y(baseline.majority), label: `majority class ${percent(baseline.majority)}` });
  }
  return list;
}

/** Series with fewer points than this are drawn with dots too. */
const MARK_LIMIT = 60;
const MARGIN = { left: 46, right: 14, title: 20, axis: 22 };

/** The loss and accuracy panels for a run's series, scaled into an SVG of `width` × 2 panels. */
export function chartModel(input: ChartInput): ChartModel {
  const width = input.width ?? 640;
  const panelHeight = input.panelHeight ?? 170;
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const maxPoints = Math.max(2, Math.floor(input.maxPointsPerLine ?? right - left));

  const lastStep = Math.max(0, input.train.at(-1)?.step ?? 0, input.validation.at(-1)?.step ?? 0);
  const stepMax = Math.max(1, input.totalSteps ?? 0, lastStep);
  const x = scaleLinear([0, stepMax], [left, right]);
  // Whole steps only: a short run's axis would otherwise read 0.5, 1.5 …
  const stepTicks = x.ticks(Math.max(2, Math.round((right - left) / 100))).filter(Number.isInteger);
  const xTicks = stepTicks.map((step) => ({ at: x(step), label: formatStep(step) }));

  const finite = (metric: ChartMetric) => (p: MetricPoint) => Number.isFinite(p.step) && Number.isFinite(p[metric]);
  // A loop, not Math.max(...): a long run has more points than a call may take arguments.
  let maxLoss = 0;
  for (const list of [input.train, input.validation]) {
    for (const p of list) if (Number.isFinite(p.loss) && p.loss > maxLoss) maxLoss = p.loss;
  }

  const panels = (['loss', 'accuracy'] as const).map((metric, index): ChartPanel => {
    const top = index * panelHeight + MARGIN.title;
    const bottom = (index + 1) * panelHeight - MARGIN.axis;
    // From 0 to a nice value at or above the largest loss (accuracy's [0, 1] is nice already);
    // clamped: a value off the axis is drawn at its edge.
    const y = scaleLinear([0, metric === 'loss' && maxLoss > 0 ? maxLoss : 1], [bottom, top])
      .nice(4)
      .clamp(true);
    const ticks = metric === 'loss' ? y.ticks(4) : [0, 0.25, 0.5, 0.75, 1];
    const label = metric === 'loss' ? y.tickFormat(4) : (value: number) => `${Math.round(value * 100)} %`;
    const yTicks = ticks.map((value) => ({ at: y(value), label: label(value) }));
    const lines = (['train', 'validation'] as const).map((split): ChartLine => {
      const source = (split === 'train' ? input.train : input.validation).filter(finite(metric));
      const xy = source.map((p) => ({ x: x(p.step), y: y(p[metric]) }));
      const drawn = downsample(xy, maxPoints);
      return {
        split,
        points: polylinePoints(drawn),
        drawn: drawn.length,
        total: source.length,
        marks: drawn.length <= MARK_LIMIT ? drawn : [],
      };
    });
    const levels = metric === 'accuracy' ? guides(input.baseline, y) : [];
    return { metric, title: metric === 'loss' ? 'Loss' : 'Pretext accuracy', top, bottom, yTicks, lines, guides: levels };
  });

  const drawn = panels.reduce((sum, panel) => sum + panel.lines.reduce((s, line) => s + line.drawn, 0), 0);
  return {
    width,
    height: panelHeight * 2,
    left,
    right,
    xTicks,
    panels,
    drawn,
    empty: input.train.length + input.validation.length === 0,
  };
}
