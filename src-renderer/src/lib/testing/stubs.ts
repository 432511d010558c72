/** Small typed DTOs for unit tests of single renderer pieces (test-only; no backend behind them). */
import type { BackendReport, MetricPoint, MetricSplit, PreviewFrame, TuplePreview } from '../../../../src-main/shared/dto.ts';
import type { TaskId, TupleDetails } from '../../../../src-main/shared/tasks.ts';

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

/** Elements and frames per element of each task's tuple, and its default detail (identity orders). */
const TUPLE_SHAPES: { [T in TaskId]: { elements: number; frames: number; classCount: number; detail: TupleDetails[T] } } = {
  'order-verification': { elements: 3, frames: 1, classCount: 2, detail: { kind: 'positive', candidates: [0, 5, 10, 15, 20] } },
  'sequence-sorting': { elements: 4, frames: 1, classCount: 12, detail: { order: [0, 1, 2, 3] } },
  'odd-one-out': { elements: 4, frames: 3, classCount: 4, detail: { oddIndex: 0, oddOrder: [1, 0, 2] } },
  'clip-order': { elements: 3, frames: 4, classCount: 6, detail: { order: [0, 1, 2] } },
};

/** A preview of `task` with consecutive frame indices and blank pixels; `patch` sets what a test is about. */
export function tuplePreview<T extends TaskId>(task: T, patch: Partial<TuplePreview<T>> = {}): TuplePreview<T> {
  const shape = TUPLE_SHAPES[task];
  const frame = (index: number): PreviewFrame => ({ frame: index, crop: { x: 0, y: 0, w: 40, h: 40 }, flip: false, channel: null, image: '' });
  const count = shape.elements * shape.frames;
  return {
    task,
    seed: 0,
    video: { id: 1, fileName: 'clip.mp4', label: null, frameCount: 75, fps: 25, width: 64, height: 48 },
    elements: Array.from({ length: shape.elements }, (_, e) => ({ frames: Array.from({ length: shape.frames }, (_, f) => frame(e * shape.frames + f)) })),
    label: 0,
    classCount: shape.classCount,
    explanation: '',
    detail: structuredClone(shape.detail) as TupleDetails[T],
    motion: null,
    window: { start: 0, end: count - 1 },
    usableVideos: 1,
    skippedVideos: 0,
    ...patch,
  };
}
