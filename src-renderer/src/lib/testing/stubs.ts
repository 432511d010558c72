/** Small typed DTOs for unit tests of single renderer pieces (test-only; no backend behind them). */
import type { BackendReport, MetricPoint, MetricSplit } from '../../../../src-main/shared/dto.ts';

/** One metric point; loss and accuracy default to a curve that improves with the step. */
export function metricPoint(split: MetricSplit, step: number, overrides: Partial<MetricPoint> = {}): MetricPoint {
  return {
    split,
    step,
    loss: 2.5 / (1 + step / 100),
    accuracy: Math.min(1, step / 1000),
    stepsPerSecond: split === 'train' ? 4 : null,
    ...overrides,
  };
}

/** The report of a machine without libtensorflow or a GPU (names as the backend gives them): wasm is the fastest that works. */
export function softwareOnlyBackendReport(): BackendReport {
  return {
    selected: 'wasm',
    backends: [
      { name: 'tfjs-node-gpu', available: false, note: 'not installed (its libtensorflow download needs network at install time)' },
      { name: 'tfjs-node', available: false, note: 'installed without its native binding (the libtensorflow download failed)' },
      { name: 'webgpu', available: false, note: 'no adapter found (no GPU driver Dawn can use)' },
      { name: 'wasm', available: true, note: 'XNNPACK with SIMD on one thread' },
      { name: 'cpu', available: true, note: 'plain JavaScript: always works, the slowest' },
    ],
  };
}
