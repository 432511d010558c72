/** Small typed DTOs for unit tests of single renderer pieces (test-only; no backend behind them). */
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput, PretextApi } from '@shared/contract.ts';
import type { BackendReport, FeatureSetDto, ImportJobDto, MetricPoint, MetricSplit, PreviewFrame, TuplePreview } from '@shared/dto.ts';
import { ApiError } from '@shared/errors.ts';
import type { TaskId, TupleDetails } from '@shared/tasks.ts';

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

export type StubAnswers = { [M in MethodName]?: (input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>> };

/**
 * A `PretextApi` that answers only the methods a unit test gives it (any other call fails), records
 * every call and lets the test emit events: for a state class's own logic, not for backend rules.
 */
export class StubApi implements PretextApi {
  readonly calls: Array<{ method: MethodName; input: unknown }> = [];
  readonly #listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  readonly #failures = new Map<MethodName, ApiError[]>();

  constructor(readonly answers: StubAnswers) {}

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    this.calls.push({ method, input: structuredClone(input) });
    const failure = this.#failures.get(method)?.shift();
    if (failure) throw failure;
    const answer = this.answers[method] as ((input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>) | undefined;
    if (!answer) throw new ApiError('INTERNAL', `The stub has no answer for ${method}.`);
    return structuredClone(await answer(input));
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const listeners = this.#listeners.get(event) ?? new Set();
    this.#listeners.set(event, listeners);
    const entry = listener as (payload: unknown) => void;
    listeners.add(entry);
    return () => listeners.delete(entry);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(structuredClone(payload));
  }

  /** How many listeners `event` has (to check that a class lets go of them). */
  listenerCount(event: EventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Makes the next call of `method` fail with `error`. */
  failNext(method: MethodName, error: ApiError): void {
    this.#failures.set(method, [...(this.#failures.get(method) ?? []), error]);
  }

  callsOf<M extends MethodName>(method: M): MethodInput<M>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input as MethodInput<M>);
  }
}

/** A ready feature set of a trained clip-order run; `overrides` sets what a test is about. */
export function featureSet(id: number, overrides: Partial<FeatureSetDto> = {}): FeatureSetDto {
  return {
    id,
    name: `Run ${id} · clip-order r3d · step 300`,
    source: { kind: 'run', runId: id, checkpointStep: 300 },
    task: 'clip-order',
    backbone: 'r3d',
    featureSize: 4,
    protocol: 'compact',
    inputSize: 112,
    clipsPerVideo: 10,
    framesPerClip: 16,
    status: 'ready',
    videoCount: 0,
    missingCount: 0,
    failures: [],
    error: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A running import of /videos with nothing counted yet; `overrides` sets what a test is about. */
export function importJob(id: number, overrides: Partial<ImportJobDto> = {}): ImportJobDto {
  return {
    id,
    root: '/videos',
    status: 'running',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: null,
    error: null,
    found: 0,
    processed: 0,
    imported: 0,
    updated: 0,
    unchanged: 0,
    moved: 0,
    duplicates: 0,
    failed: 0,
    missing: 0,
    ...overrides,
  };
}
