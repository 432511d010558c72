/**
 * A run's metric series as the charts need them: train and validation points, each in step order,
 * one point per split and step. Live events append in O(1); a point for a step already held replaces
 * it (the newest measurement wins, e.g. after a resume re-trains steps past its checkpoint). Pure.
 */
import type { MetricPoint, MetricSplit, ProbePoint } from '@shared/dto.ts';

export class MetricSeries {
  readonly train: MetricPoint[] = [];
  readonly validation: MetricPoint[] = [];
  /** Feature-spread measurements, in step order, one per step. */
  readonly probes: ProbePoint[] = [];

  static from(points: readonly MetricPoint[], probes: readonly ProbePoint[] = []): MetricSeries {
    const series = new MetricSeries();
    series.add(points);
    series.addProbes(probes);
    return series;
  }

  get size(): number {
    return this.train.length + this.validation.length;
  }

  /** The points of one split. */
  of(split: MetricSplit): MetricPoint[] {
    return split === 'train' ? this.train : this.validation;
  }

  /** Adds points, replacing any held for the same split and step; true when anything changed. */
  add(points: readonly MetricPoint[]): boolean {
    let changed = false;
    for (const point of points) {
      if (!Number.isFinite(point.step)) continue;
      changed = insert(this.of(point.split), point) || changed;
    }
    return changed;
  }

  /** Adds probe measurements, replacing any held for the same step; true when anything changed. */
  addProbes(probes: readonly ProbePoint[]): boolean {
    let changed = false;
    for (const probe of probes) {
      const at = this.probes.findIndex((held) => held.step >= probe.step);
      if (at < 0) this.probes.push(probe);
      else if (this.probes[at]?.step === probe.step) this.probes[at] = probe;
      else this.probes.splice(at, 0, probe);
      changed = true;
    }
    return changed;
  }

  /** Drops the points after `step` (a resume continues from its checkpoint); true when any went. */
  truncateAfter(step: number): boolean {
    let changed = false;
    const keptProbes = this.probes.filter((probe) => probe.step <= step);
    if (keptProbes.length < this.probes.length) {
      this.probes.splice(keptProbes.length);
      changed = true;
    }
    for (const list of [this.train, this.validation]) {
      const keep = firstAfter(list, step);
      if (keep < list.length) {
        list.length = keep;
        changed = true;
      }
    }
    return changed;
  }

  /** All points, train then validation. */
  all(): MetricPoint[] {
    return [...this.train, ...this.validation];
  }

  /** The highest validation accuracy, or null without validation points. */
  bestValidationAccuracy(): number | null {
    let best: number | null = null;
    for (const point of this.validation) {
      if (Number.isFinite(point.accuracy) && (best === null || point.accuracy > best)) best = point.accuracy;
    }
    return best;
  }

  /** The last step any point was recorded at, or null when empty. */
  lastStep(): number | null {
    const steps = [this.train.at(-1)?.step, this.validation.at(-1)?.step].filter((s): s is number => s !== undefined);
    return steps.length > 0 ? Math.max(...steps) : null;
  }
}

/** Index of the first point with a step above `step` (the list is in step order). */
function firstAfter(list: readonly MetricPoint[], step: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as MetricPoint).step <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function samePoint(a: MetricPoint, b: MetricPoint): boolean {
  return (
    Object.is(a.loss, b.loss) && Object.is(a.accuracy, b.accuracy) && Object.is(a.stepsPerSecond, b.stepsPerSecond)
  );
}

/** Puts `point` into a step-ordered list: appended, inserted, or replacing the point of its step. */
function insert(list: MetricPoint[], point: MetricPoint): boolean {
  const last = list.at(-1);
  if (!last || point.step > last.step) {
    list.push(point);
    return true;
  }
  const after = firstAfter(list, point.step);
  const previous = list[after - 1];
  if (previous && previous.step === point.step) {
    if (samePoint(previous, point)) return false;
    list[after - 1] = point;
    return true;
  }
  list.splice(after, 0, point);
  return true;
}
