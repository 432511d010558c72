/**
 * An in-memory `PretextApi` for unit tests: the contract's methods over a small dataset, typed
 * errors like the real backend's, events the test emits by hand, and every call recorded.
 * Test-only: nothing in the app imports it.
 */
import type {
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  PretextApi,
} from '../../../../src-main/shared/contract.ts';
import type {
  AppInfo,
  BackendReport,
  CheckpointDto,
  ClassificationRow,
  ClassificationTable,
  ClipSpan,
  EmbeddingMap,
  EvaluationSplit,
  EvaluationTable,
  ExtractionProgress,
  FeatureSetDto,
  FeatureSetStatus,
  ImportFailure,
  ImportJobDto,
  LabelCount,
  LibraryInfo,
  MetricPoint,
  MetricSplit,
  PreviewFrame,
  ProbePoint,
  RetrievalResult,
  RunDetail,
  RunDto,
  RunStatus,
  TaskInfo,
  TrainingProgress,
  TuplePreview,
  VideoDto,
} from '../../../../src-main/shared/dto.ts';
import { EVALUATION_KS, VIDEO_STATUSES } from '../../../../src-main/shared/dto.ts';
import { ApiError } from '../../../../src-main/shared/errors.ts';
import { evaluatedSet } from '../../../../src-main/shared/evaluated-set.ts';
import { runMatches } from '../../../../src-main/shared/runs.ts';
// Test-only: the real presets and schemas (zod) are fine here, the app bundle never imports this file.
import { taskConfigSchema } from '../../../../src-main/shared/task-schemas.ts';
import {
  TASK_IDS,
  TASK_PRESETS,
  spacedFramesNeeded,
  type TaskConfig,
  type TaskId,
} from '../../../../src-main/shared/tasks.ts';
import {
  trainConfigSchema,
  trainPreset,
  type TrainConfig,
} from '../../../../src-main/shared/training.ts';

export type FakeHandler<M extends MethodName> = (
  input: MethodInput<M>,
) => MethodOutput<M> | Promise<MethodOutput<M>>;
export type FakeHandlers = { [M in MethodName]: FakeHandler<M> };

export interface FakeApiData {
  /** Path of the library open at start, or null. */
  openPath?: string | null;
  /** Library folders that exist (may be opened without `create`). */
  knownLibraries?: string[];
  /** What `library.recent` answers at first (opening a library puts it in front). */
  recentLibraries?: string[];
  videos?: VideoDto[];
  jobs?: ImportJobDto[];
  failures?: Record<number, ImportFailure[]>;
  /** What the folder dialog answers. */
  pickedFolder?: string | null;
  appInfo?: AppInfo;
  /** Training runs of the open library (any order; `training.runs` answers newest first). */
  runs?: RunDto[];
  /** Stored metric series and checkpoints per run id. */
  runData?: Record<number, { metrics?: MetricPoint[]; checkpoints?: CheckpointDto[]; probes?: ProbePoint[] }>;
  /** What `training.backends` answers. */
  backendReport?: BackendReport;
  /** Feature sets of the open library (`features.sets` answers them in id order). */
  featureSets?: FeatureSetDto[];
}

export function makeVideo(id: number, overrides: Partial<VideoDto> = {}): VideoDto {
  return {
    id,
    path: `/videos/Class${id % 3}/v_${id}.avi`,
    fileName: `v_${id}.avi`,
    sizeBytes: 1_000_000 + id,
    durationS: 7.2,
    fps: 25,
    frameCount: 180,
    width: 320,
    height: 240,
    codec: 'xvid',
    label: `Class${id % 3}`,
    status: 'ready',
    error: null,
    duplicateOfId: null,
    hasThumbnail: true,
    tooShortFor: [],
    importedAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function makeVideos(count: number, overrides: (id: number) => Partial<VideoDto> = () => ({})): VideoDto[] {
  return Array.from({ length: count }, (_, i) => makeVideo(i + 1, overrides(i + 1)));
}

export function makeJob(id: number, overrides: Partial<ImportJobDto> = {}): ImportJobDto {
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

export function libraryInfo(path: string, videos: readonly VideoDto[], roots: string[] = []): LibraryInfo {
  const counts = { ready: 0, failed: 0, missing: 0, duplicate: 0, total: videos.length };
  const labels = new Map<string | null, LabelCount>();
  for (const video of videos) {
    counts[video.status]++;
    const entry = labels.get(video.label) ?? { label: video.label, count: 0, total: 0 };
    labels.set(video.label, { ...entry, count: entry.count + (video.status === 'ready' ? 1 : 0), total: entry.total + 1 });
  }
  const labelCounts: LabelCount[] = [...labels.values()]
    .sort((a, b) => (a.label ?? '\uffff').localeCompare(b.label ?? '\uffff'));
  return { path, schemaVersion: 1, counts, labels: labelCounts, roots };
}

/** What the fake keeps of a run besides its record. */
interface RunData {
  metrics: MetricPoint[];
  checkpoints: CheckpointDto[];
  probes: ProbePoint[];
}

/** A run record: `sequence-sorting` / `alexnet` with the tiny preset unless overridden. */
export function makeRun(id: number, overrides: Partial<RunDto> = {}): RunDto {
  const config = overrides.config ?? trainPreset('sequence-sorting', 'alexnet', 'tiny');
  return {
    id,
    name: null,
    note: '',
    task: config.task.task,
    backbone: config.backbone,
    config,
    seed: config.seed,
    backend: 'wasm',
    status: 'completed',
    step: config.steps,
    totalSteps: config.steps,
    error: null,
    createdAt: fakeTime(id),
    updatedAt: fakeTime(id),
    bestValidationAccuracy: null,
    lastCheckpointStep: null,
    ...overrides,
  };
}

/** A deterministic timestamp per id: 2025-01-01 00:<id> UTC. */
function fakeTime(id: number): string {
  return new Date(Date.UTC(2025, 0, 1, 0, id)).toISOString();
}

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
export function fakeBackendReport(): BackendReport {
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

/** A ready feature set of a trained run (clip-order / r3d, 10 clips of 16 frames) unless overridden. */
export function makeFeatureSet(id: number, overrides: Partial<FeatureSetDto> = {}): FeatureSetDto {
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
    createdAt: fakeTime(id),
    updatedAt: fakeTime(id),
    ...overrides,
  };
}

/** A random-init feature set (the baseline). */
export function makeRandomFeatureSet(id: number, overrides: Partial<FeatureSetDto> = {}): FeatureSetDto {
  return makeFeatureSet(id, {
    name: `Random init · clip-order r3d tiny · seed 0`,
    source: { kind: 'random', seed: 0, runId: null },
    ...overrides,
  });
}

/**
 * A video's vector in a set: the direction of its label, blurred by per-video noise. Trained sets
 * blur little (labels cluster), random-init ones a lot; the set id moves the noise, so every set
 * ranks differently. Deterministic.
 */
export function fakeFeatureVector(set: FeatureSetDto, video: VideoDto, clip: number | null = null): number[] {
  const labelAngle = video.label === null ? video.id : [...video.label].reduce((sum, c) => sum + c.charCodeAt(0), 0) * 2.4;
  const noise = set.source.kind === 'random' ? 1.5 : 0.3;
  const wobble = video.id * 1.7 + set.id + (clip ?? 0) * 0.9;
  return [Math.cos(labelAngle), Math.sin(labelAngle), noise * Math.sin(wobble), noise * Math.cos(wobble * 1.3)];
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((value, i) => {
    const other = b[i] ?? 0;
    dot += value * other;
    na += value * value;
    nb += other * other;
  });
  return dot / Math.sqrt(na * nb);
}

/** Clip `index` of a set's evenly spaced clips in a video, at the backend's 25 fps. */
export function fakeClipSpan(set: FeatureSetDto, video: VideoDto, index: number): ClipSpan {
  const duration = video.durationS ?? 0;
  const length = set.framesPerClip / 25;
  const startSeconds = set.clipsPerVideo > 1 ? ((duration - length) * index) / (set.clipsPerVideo - 1) : 0;
  return { index, startSeconds, endSeconds: startSeconds + length };
}

const RESUMABLE: ReadonlySet<RunStatus> = new Set(['cancelled', 'failed', 'interrupted']);

/** Inserts or replaces points (one per split and step), keeping step order. */
function storePoints(stored: MetricPoint[], points: readonly MetricPoint[]): MetricPoint[] {
  const byKey = new Map(stored.map((p) => [`${p.split}:${p.step}`, p]));
  for (const point of points) byKey.set(`${point.split}:${point.step}`, point);
  return [...byKey.values()].sort((a, b) => a.step - b.step || a.split.localeCompare(b.split));
}

/** The schema's issues as the dispatcher reports them: paths from the input's root. */
function invalidInput(method: string, issues: readonly { path: PropertyKey[]; message: string }[], root: string): ApiError {
  const mapped = issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const summary = mapped.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new ApiError('INVALID_INPUT', `Invalid input for ${method}: ${summary}`, mapped);
}

/** A valid 1×1 PNG: every fake preview frame shows it. */
export const FAKE_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const TASK_TEXT: Record<TaskId, Pick<TaskInfo, 'title' | 'paper' | 'summary'>> = {
  'order-verification': {
    title: 'Order verification',
    paper: 'Shuffle & Learn, Misra et al. ECCV 2016',
    summary: 'Is a 3-frame tuple in the right order?',
  },
  'sequence-sorting': {
    title: 'Sequence sorting',
    paper: 'OPN, Lee et al. ICCV 2017',
    summary: 'Which of 12 orders are 4 shuffled frames in?',
  },
  'odd-one-out': {
    title: 'Odd-one-out',
    paper: 'O3N, Fernando et al. CVPR 2017',
    summary: 'Which subsequence is out of order?',
  },
  'clip-order': {
    title: 'Clip order prediction',
    paper: 'VCOP, Xu et al. CVPR 2019',
    summary: 'In which of 6 orders are 3 shuffled clips?',
  },
};

/** What `tasks.list` answers: the four tasks with copies of the real presets. */
export function fakeTasks(): TaskInfo[] {
  return TASK_IDS.map((id) => ({
    id,
    ...TASK_TEXT[id],
    presets: structuredClone({ paper: TASK_PRESETS[id].paper, tiny: TASK_PRESETS[id].tiny }) as TaskInfo['presets'],
  }));
}

/** Frames a video needs to host a tuple of `config` (the real samplers' rule). */
export function fakeFramesNeeded(config: TaskConfig): number {
  switch (config.task) {
    case 'order-verification':
      return spacedFramesNeeded(5, config.minGap);
    case 'sequence-sorting':
      return spacedFramesNeeded(4, config.minGap);
    case 'odd-one-out':
      return spacedFramesNeeded(config.framesPerSubsequence, config.frameStride);
    case 'clip-order':
      return config.clips * config.clipLength + (config.clips - 1) * config.interval;
  }
}

/** The identity order rotated by `shift`: deterministic stand-in for a random permutation. */
const rotated = (n: number, shift: number): number[] => Array.from({ length: n }, (_, i) => (i + shift) % n);

/** A deterministic preview of `config` on `video`: real shapes, fake pixels (1×1 PNGs). */
export function fakePreview(config: TaskConfig, video: VideoDto, seed: number, usable: number, skipped: number): TuplePreview {
  const frameCount = video.frameCount ?? 0;
  const span = fakeFramesNeeded(config);
  const start = seed % Math.max(1, frameCount - span + 1);
  const size = 'cropSize' in config ? config.cropSize : config.patchSize;
  const frame = (index: number, extra: Partial<PreviewFrame> = {}): PreviewFrame => ({
    frame: index,
    crop: { x: 0, y: 0, w: size, h: size },
    flip: false,
    channel: null,
    image: FAKE_PNG,
    ...extra,
  });
  const base = {
    seed,
    video: {
      id: video.id,
      fileName: video.fileName,
      label: video.label,
      frameCount,
      fps: video.fps ?? 25,
      width: config.frameSize.width,
      height: config.frameSize.height,
    },
    motion: Array.from({ length: frameCount }, (_, i) => Math.round(Math.abs(Math.sin(i / 7)) * 100) / 100),
    window: { start, end: start + span - 1 },
    usableVideos: usable,
    skippedVideos: skipped,
  };
  switch (config.task) {
    case 'order-verification': {
      const candidates = Array.from({ length: 5 }, (_, i) => start + i * config.minGap);
      const kind = (['positive', 'negative-before', 'negative-after'] as const)[seed % 3]!;
      const shows = { positive: [1, 2, 3], 'negative-before': [1, 0, 3], 'negative-after': [1, 4, 3] }[kind];
      return {
        ...base,
        task: config.task,
        elements: shows.map((c) => ({ frames: [frame(candidates[c]!)] })),
        label: kind === 'positive' ? 1 : 0,
        classCount: 2,
        explanation: `${kind === 'positive' ? 'Correct' : 'Wrong'} order (fake).`,
        detail: { kind, candidates },
      };
    }
    case 'sequence-sorting': {
      const order = rotated(4, seed % 4);
      return {
        ...base,
        task: config.task,
        elements: order.map((rank, i) => ({
          frames: [
            frame(start + rank * config.minGap, {
              flip: config.flip && seed % 2 === 1,
              channel: config.channelSplit ? ((i % 3) as 0 | 1 | 2) : null,
            }),
          ],
        })),
        label: seed % 12,
        classCount: 12,
        explanation: `Frames shown in time order ${order.map((r) => r + 1).join('-')} (fake).`,
        detail: { order },
      };
    }
    case 'odd-one-out': {
      const oddIndex = seed % config.subsequences;
      const oddOrder = rotated(config.framesPerSubsequence, 1);
      return {
        ...base,
        task: config.task,
        elements: Array.from({ length: config.subsequences }, (_, index) => {
          const ranks = index === oddIndex ? oddOrder : rotated(config.framesPerSubsequence, 0);
          return { frames: ranks.map((rank) => frame(start + rank * config.frameStride)) };
        }),
        label: oddIndex,
        classCount: config.subsequences,
        explanation: `Subsequence ${oddIndex + 1} is the odd one (fake).`,
        detail: { oddIndex, oddOrder },
      };
    }
    case 'clip-order': {
      const order = rotated(config.clips, seed % config.clips);
      let classCount = 1;
      for (let k = 2; k <= config.clips; k++) classCount *= k;
      return {
        ...base,
        task: config.task,
        elements: order.map((rank) => ({
          frames: Array.from({ length: config.clipLength }, (_, i) =>
            frame(start + rank * (config.clipLength + config.interval) + i),
          ),
        })),
        label: seed % classCount,
        classCount,
        explanation: `Clips shown in time order ${order.map((r) => r + 1).join('-')} (fake).`,
        detail: { order },
      };
    }
  }
}

export { deferred, settle, type Deferred } from './async.ts';

export class FakeApi implements PretextApi {
  openPath: string | null;
  readonly knownLibraries: Set<string>;
  recentLibraries: string[];
  videos: VideoDto[];
  jobs: ImportJobDto[];
  failures: Record<number, ImportFailure[]>;
  pickedFolder: string | null;
  appInfo: AppInfo;
  runs: RunDto[];
  readonly runData: Map<number, RunData>;
  backendReport: BackendReport;
  featureSets: FeatureSetDto[];
  readonly calls: Array<{ method: MethodName; input: unknown }> = [];
  readonly handlers: FakeHandlers;
  readonly #listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  readonly #failures = new Map<MethodName, ApiError[]>();
  /** Which source each feature set was extracted from, so extracting it again updates the same set. */
  readonly #featureSourceKeys = new Map<number, string>();

  constructor(data: FakeApiData = {}) {
    this.openPath = data.openPath ?? null;
    this.knownLibraries = new Set(data.knownLibraries ?? (data.openPath ? [data.openPath] : []));
    this.recentLibraries = data.recentLibraries ?? [];
    this.videos = data.videos ?? [];
    this.jobs = data.jobs ?? [];
    this.failures = data.failures ?? {};
    this.pickedFolder = data.pickedFolder ?? null;
    this.appInfo = data.appInfo ?? {
      version: '0.1.0-test',
      platform: 'test',
      mediaTools: {
        ok: true,
        ffmpeg: '/usr/bin/ffmpeg',
        ffprobe: '/usr/bin/ffprobe',
        source: 'ffmpeg: system, ffprobe: system',
        ffmpegVersion: '7.1',
        ffprobeVersion: '7.1',
        message: null,
        warning: null,
      },
    };
    this.runs = data.runs ?? [];
    this.runData = new Map(
      this.runs.map((run) => [
        run.id,
        {
          metrics: [...(data.runData?.[run.id]?.metrics ?? [])],
          checkpoints: [...(data.runData?.[run.id]?.checkpoints ?? [])],
          probes: [...(data.runData?.[run.id]?.probes ?? [])],
        },
      ]),
    );
    this.backendReport = data.backendReport ?? fakeBackendReport();
    this.featureSets = data.featureSets ?? [];
    this.handlers = this.#defaultHandlers();
  }

  /** The stored run `runId`; throws NOT_FOUND like the backend. */
  run(runId: number): RunDto {
    const run = this.runs.find((r) => r.id === runId);
    if (!run) throw new ApiError('NOT_FOUND', `No training run ${runId}.`);
    return run;
  }

  #updateRun(runId: number, changes: Partial<RunDto>): RunDto {
    const index = this.runs.findIndex((r) => r.id === runId);
    const run = this.run(runId);
    const updated: RunDto = { ...run, ...changes, updatedAt: fakeTime(runId + 1) };
    this.runs[index] = updated;
    return updated;
  }

  #data(runId: number): RunData {
    let data = this.runData.get(runId);
    if (!data) this.runData.set(runId, (data = { metrics: [], checkpoints: [], probes: [] }));
    return data;
  }

  /** Emits `training.progress` for a run (defaults from its record) and records the step. */
  emitProgress(runId: number, fields: Partial<Omit<TrainingProgress, 'runId'>> = {}): TrainingProgress {
    const run = this.run(runId);
    const progress: TrainingProgress = {
      runId,
      phase: 'training',
      step: run.step,
      totalSteps: run.totalSteps,
      stepsPerSecond: null,
      etaSeconds: null,
      dataWaitShare: null,
      backend: run.backend,
      message: null,
      ...fields,
    };
    if (progress.phase !== 'preparing') this.#updateRun(runId, { step: progress.step });
    this.emit('training.progress', progress);
    return progress;
  }

  /** Records points (and probes) of a run (like the backend: one per split and step) and emits `training.metrics`. */
  emitMetrics(runId: number, points: MetricPoint[], probes: ProbePoint[] = []): void {
    const data = this.#data(runId);
    data.metrics = storePoints(data.metrics, points);
    data.probes = [...data.probes.filter((p) => !probes.some((q) => q.step === p.step)), ...probes].sort((a, b) => a.step - b.step);
    this.emit('training.metrics', { runId, points, probes });
  }

  /** Records a checkpoint of a run; the best is the highest validation accuracy, the later on ties. */
  addCheckpoint(runId: number, step: number, validationAccuracy: number | null = null): CheckpointDto {
    const data = this.#data(runId);
    const checkpoint: CheckpointDto = { step, validationAccuracy, isBest: false, createdAt: fakeTime(runId) };
    const list = [...data.checkpoints.filter((c) => c.step !== step), checkpoint].sort((a, b) => a.step - b.step);
    let best: CheckpointDto | null = null;
    for (const c of list) {
      if (c.validationAccuracy !== null && (best === null || c.validationAccuracy >= (best.validationAccuracy ?? 0))) best = c;
    }
    data.checkpoints = list.map((c) => ({ ...c, isBest: c === best }));
    this.#updateRun(runId, { lastCheckpointStep: step, bestValidationAccuracy: best?.validationAccuracy ?? null });
    return checkpoint;
  }

  /** Ends a run with `status` and emits `training.finished` (as the backend does after a cancel). */
  finishRun(runId: number, status: Exclude<RunStatus, 'running'> = 'completed', error: string | null = null): RunDto {
    const run = this.#updateRun(runId, { status, error });
    this.emit('training.finished', run);
    return run;
  }

  /** The stored feature set `setId`; throws NOT_FOUND like the backend. */
  featureSet(setId: number): FeatureSetDto {
    const set = this.featureSets.find((s) => s.id === setId);
    if (!set) throw new ApiError('NOT_FOUND', `No feature set ${setId}.`);
    return set;
  }

  #updateFeatureSet(setId: number, changes: Partial<FeatureSetDto>): FeatureSetDto {
    const index = this.featureSets.findIndex((s) => s.id === setId);
    const updated: FeatureSetDto = { ...this.featureSet(setId), ...changes, updatedAt: fakeTime(setId + 1) };
    this.featureSets[index] = updated;
    return updated;
  }

  /** Emits `features.progress` for a set (total: the ready videos unless given). */
  emitExtraction(setId: number, fields: Partial<Omit<ExtractionProgress, 'setId'>> = {}): ExtractionProgress {
    this.featureSet(setId);
    const progress: ExtractionProgress = {
      setId,
      done: 0,
      total: this.#readyVideos().length,
      clipsPerSecond: null,
      etaSeconds: null,
      ...fields,
    };
    this.emit('features.progress', progress);
    return progress;
  }

  /** Ends an extraction with `status` and emits `features.finished`; a ready set holds every ready video. */
  finishExtraction(
    setId: number,
    status: Exclude<FeatureSetStatus, 'extracting'> = 'ready',
    changes: Partial<FeatureSetDto> = {},
  ): FeatureSetDto {
    const covered = status === 'ready' ? { videoCount: this.#readyVideos().length, missingCount: 0 } : {};
    const set = this.#updateFeatureSet(setId, { status, featureSize: 4, ...covered, ...changes });
    this.emit('features.finished', set);
    return set;
  }

  #readyVideos(): VideoDto[] {
    return this.videos.filter((v) => v.status === 'ready');
  }

  /** A set with vectors, like the backend's refusal of one without. */
  #searchableSet(setId: number): FeatureSetDto {
    const set = this.featureSet(setId);
    if (set.videoCount === 0) {
      const why = set.status === 'extracting' ? 'is still being extracted' : `has no vectors (${set.status})`;
      throw new ApiError('INVALID_INPUT', `Feature set ${setId} ${why}; extract it first.`);
    }
    return set;
  }

  /** Where `features.extract` would store a source, and the name the set gets. */
  #resolveFeatureSource(source: MethodInput<'features.extract'>['source']): { key: string; set: Partial<FeatureSetDto> } {
    if (source.kind === 'run') {
      const run = this.run(source.runId);
      const step = run.lastCheckpointStep;
      if (step === null) throw new ApiError('INVALID_INPUT', `Run ${run.id} has no checkpoint yet; train it further first.`);
      return {
        key: `run:${run.id}:step:${step}`,
        set: {
          name: `Run ${run.id} · ${run.task} ${run.backbone} · step ${step}`,
          source: { kind: 'run', runId: run.id, checkpointStep: step },
          task: run.task,
          backbone: run.backbone,
        },
      };
    }
    const seed = source.seed ?? 0;
    if (source.runId !== undefined) {
      const run = this.run(source.runId);
      return {
        key: `random:run:${run.id}:seed:${seed}`,
        set: {
          name: `Random init · like run ${run.id} (${run.task} ${run.backbone}) · seed ${seed}`,
          source: { kind: 'random', seed, runId: run.id },
          task: run.task,
          backbone: run.backbone,
        },
      };
    }
    if (!source.task || !source.backbone) throw new ApiError('INVALID_INPUT', 'random init needs either runId, or task and backbone');
    const preset = source.preset ?? 'tiny';
    return {
      key: `random:${source.task}:${source.backbone}:${preset}:seed:${seed}`,
      set: {
        name: `Random init · ${source.task} ${source.backbone} ${preset} · seed ${seed}`,
        source: { kind: 'random', seed, runId: null },
        task: source.task,
        backbone: source.backbone,
      },
    };
  }

  #neighbours(set: FeatureSetDto, query: VideoDto, k: number, clipIndex: number | undefined): RetrievalResult {
    const sameLabel = (other: VideoDto) => (query.label === null || other.label === null ? null : other.label === query.label);
    const clip = clipIndex ?? null;
    const target = fakeFeatureVector(set, query, clip);
    const candidates = this.#readyVideos()
      .filter((v) => v.id !== query.id)
      .flatMap((video) => {
        const clips = clip === null ? [null] : Array.from({ length: set.clipsPerVideo }, (_, i) => i);
        return clips.map((c) => ({ video, clip: c, score: cosine(target, fakeFeatureVector(set, video, c)) }));
      })
      .sort((a, b) => b.score - a.score || a.video.id - b.video.id)
      .slice(0, k);
    return {
      setId: set.id,
      query: {
        videoId: query.id,
        fileName: query.fileName,
        label: query.label,
        clip: clip === null ? null : fakeClipSpan(set, query, clip),
      },
      neighbours: candidates.map((c, i) => ({
        rank: i + 1,
        videoId: c.video.id,
        fileName: c.video.fileName,
        label: c.video.label,
        score: c.score,
        sameLabel: sameLabel(c.video),
        clip: c.clip === null ? null : fakeClipSpan(set, c.video, c.clip),
        match: null,
      })),
    };
  }

  /** One split of the labelled ready videos, shared by the fake evaluations. */
  #split(input: Omit<MethodInput<'evaluation.classify'>, 'method'>) {
    const { seed = 0, testFraction = 0.3, testListText } = input;
    const ready = this.#readyVideos();
    const labelled = ready.filter((v) => v.label !== null);
    const isTest = (v: VideoDto) => (testListText === undefined ? (v.id * 7 + seed) % 10 < testFraction * 10 : v.id % 3 === 0);
    const train = labelled.filter((v) => !isTest(v));
    const trainLabels = new Set(train.map((v) => v.label));
    const allTest = labelled.filter(isTest);
    const test = allTest.filter((v) => trainLabels.has(v.label));
    const excluded = new Map<string, number>();
    for (const v of allTest) if (!trainLabels.has(v.label)) excluded.set(v.label as string, (excluded.get(v.label as string) ?? 0) + 1);
    const sets = input.setIds
      ? input.setIds.map((id) => this.#searchableSet(id))
      : this.featureSets.filter((s) => s.status === 'ready' && s.videoCount > 0);
    const split: EvaluationSplit = {
      seed,
      testFraction,
      kind: testListText === undefined ? 'seeded' : 'list',
      train: train.length,
      test: allTest.length,
      labels: new Set(labelled.map((v) => v.label)).size,
      unlabelled: ready.length - labelled.length,
      queries: test.map((v) => ({ videoId: v.id, fileName: v.fileName, label: v.label })),
      excludedClasses: [...excluded].sort(([a], [b]) => a.localeCompare(b)).map(([label, videos]) => ({ label, videos })),
    };
    /** Per query, the training labels from most to least similar. */
    const ranked = (set: FeatureSetDto) =>
      test.map((query) => {
        const target = fakeFeatureVector(set, query);
        const neighbours = train
          .map((video) => ({ label: video.label as string, score: cosine(target, fakeFeatureVector(set, video)) }))
          .sort((a, b) => b.score - a.score);
        return { label: query.label as string, neighbours };
      });
    return { train, test, sets, split, ranked };
  }

  /**
   * Top-k by cosine over the fake vectors on a deterministic split: each labelled video with
   * (id·7 + seed) mod 10 below testFraction·10 is a query; test videos of a class without a training
   * video are left out; a test list (never read here) takes every third.
   */
  #evaluate(input: MethodInput<'evaluation.table'>): EvaluationTable {
    const ks = input.ks ?? [...EVALUATION_KS];
    const { train, test, sets, split, ranked } = this.#split(input);
    const rows = sets.map((set) => {
      const hits = ranked(set).map(({ label, neighbours }) => neighbours.map((n) => n.label === label));
      const topK: Record<number, number | null> = {};
      for (const k of ks) topK[k] = test.length === 0 ? null : hits.filter((row) => row.slice(0, k).includes(true)).length / test.length;
      return { ...evaluatedSet(set), topK, queries: test.length, gallery: train.length };
    });
    return { ks, split, rows };
  }

  /** Both classifiers as weighted votes of the 20 nearest training videos (the fake has no probe to train). */
  #classify(input: MethodInput<'evaluation.classify'>): ClassificationTable {
    const { train, test, sets, split, ranked } = this.#split(input);
    const rows = sets.map((set): ClassificationRow => {
      const classes = ranked(set).map(({ label, neighbours }) => {
        const votes = new Map<string, number>();
        for (const n of neighbours.slice(0, 20)) votes.set(n.label, (votes.get(n.label) ?? 0) + Math.exp(n.score / 0.07));
        return { label, order: [...votes].sort((a, b) => b[1] - a[1]).map(([name]) => name) };
      });
      const share = (depth: number) => (test.length === 0 ? null : classes.filter((c) => c.order.slice(0, depth).includes(c.label)).length / test.length);
      const settings: ClassificationRow['settings'] =
        input.method === 'knn'
          ? { method: 'knn', k: 20, temperature: 0.07 }
          : { method: 'linear', weightDecay: 0.001, validationAccuracy: null, validation: 0, steps: 200 };
      return { ...evaluatedSet(set), top1: share(1), top5: share(5), queries: test.length, train: train.length, settings };
    });
    return { method: input.method, split, rows };
  }

  /** Each video at its label's direction plus noise: a stand-in for PCA of the fake vectors. */
  #map(setId: number, projection: EmbeddingMap['projection']): EmbeddingMap {
    const set = this.#searchableSet(setId);
    return {
      setId,
      projection,
      points: this.#readyVideos().map((video) => {
        const [a = 0, b = 0, c = 0, d = 0] = fakeFeatureVector(set, video);
        return { videoId: video.id, fileName: video.fileName, label: video.label, x: a + 0.2 * c, y: b + 0.2 * d };
      }),
    };
  }

  /** Its answers come within `settle()`. */
  settled(): Promise<void> {
    return Promise.resolve();
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    this.calls.push({ method, input });
    const queued = this.#failures.get(method)?.shift();
    if (queued) return Promise.reject(queued);
    const handler = this.handlers[method] as FakeHandler<M>;
    try {
      return Promise.resolve(handler(input));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    const wrapped = (payload: unknown) => listener(payload as EventPayload<E>);
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(payload);
  }

  listenerCount(event: EventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Makes the next call of `method` fail with `error`. */
  failNext(method: MethodName, error: ApiError): void {
    const queue = this.#failures.get(method) ?? [];
    queue.push(error);
    this.#failures.set(method, queue);
  }

  /** Replaces a method's behaviour. */
  override<M extends MethodName>(method: M, handler: FakeHandler<M>): void {
    (this.handlers as Record<MethodName, unknown>)[method] = handler;
  }

  callsOf<M extends MethodName>(method: M): MethodInput<M>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input as MethodInput<M>);
  }

  info(): LibraryInfo {
    if (!this.openPath) throw new ApiError('NO_LIBRARY', 'No library is open.');
    return libraryInfo(this.openPath, this.videos, [...new Set(this.jobs.map((j) => j.root))]);
  }

  #defaultHandlers(): FakeHandlers {
    return {
      'app.info': () => this.appInfo,
      'library.current': () => (this.openPath ? this.info() : null),
      'library.open': ({ path, create }) => {
        const trimmed = path.trim();
        if (!trimmed) throw new ApiError('INVALID_INPUT', 'Invalid input for library.open: path: a path is required');
        if (!this.knownLibraries.has(trimmed)) {
          if (!create) throw new ApiError('NOT_FOUND', `No library at ${trimmed}`);
          this.knownLibraries.add(trimmed);
          this.videos = [];
        }
        this.openPath = trimmed;
        this.recentLibraries = [trimmed, ...this.recentLibraries.filter((entry) => entry !== trimmed)];
        return this.info();
      },
      'library.recent': () => [...this.recentLibraries],
      'videos.list': ({ offset = 0, limit = 200, label, status, search }) => {
        this.info();
        if (status !== undefined && !VIDEO_STATUSES.includes(status)) {
          throw new ApiError('INVALID_INPUT', `Invalid status ${String(status)}`);
        }
        const needle = search?.trim().toLowerCase() ?? '';
        const matches = this.videos.filter(
          (v) =>
            (label === undefined || v.label === label) &&
            (status === undefined || v.status === status) &&
            (needle === '' || v.path.toLowerCase().includes(needle)),
        );
        return { total: matches.length, offset, items: matches.slice(offset, offset + limit) };
      },
      'videos.get': ({ id }) => {
        const video = this.videos.find((v) => v.id === id);
        if (!video) throw new ApiError('NOT_FOUND', `No video ${id}`);
        return video;
      },
      'import.start': ({ folder }) => {
        this.info();
        if (!folder.trim()) throw new ApiError('INVALID_INPUT', 'Invalid input for import.start: folder: a path is required');
        if (this.jobs.some((j) => j.status === 'running')) {
          throw new ApiError('BUSY', 'An import is already running.');
        }
        const job = makeJob(Math.max(0, ...this.jobs.map((j) => j.id)) + 1, { root: folder.trim() });
        this.jobs = [job, ...this.jobs];
        return job;
      },
      'import.cancel': ({ jobId }) => {
        const index = this.jobs.findIndex((j) => j.id === jobId);
        const job = this.jobs[index];
        if (!job) throw new ApiError('NOT_FOUND', `No import job ${jobId}`);
        const cancelled: ImportJobDto = {
          ...job,
          status: job.status === 'running' ? 'cancelled' : job.status,
          finishedAt: job.finishedAt ?? '2025-01-01T00:01:00.000Z',
        };
        this.jobs[index] = cancelled;
        return cancelled;
      },
      'import.jobs': ({ limit = 20 }) => this.jobs.slice(0, limit),
      'import.failures': ({ jobId }) => this.failures[jobId] ?? [],
      'dialog.pickFolder': () => ({ path: this.pickedFolder }),
      'tasks.list': () => fakeTasks(),
      'tasks.sample': ({ config: raw, videoId, seed }) => {
        // Like the dispatcher: the schema's issues, paths from the input's root.
        const parsed = taskConfigSchema.safeParse(raw);
        if (!parsed.success) throw invalidInput('tasks.sample', parsed.error.issues, 'config');
        const config = parsed.data;
        this.info();
        const needed = fakeFramesNeeded(config);
        const ready = this.videos.filter((v) => v.status === 'ready');
        const usable = ready.filter((v) => (v.frameCount ?? 0) >= needed);
        const skipped = ready.length - usable.length;
        let video: VideoDto | undefined;
        if (videoId !== undefined) {
          video = this.videos.find((v) => v.id === videoId);
          if (!video) throw new ApiError('NOT_FOUND', `No video ${videoId}`);
          if ((video.frameCount ?? 0) < needed) {
            throw new ApiError(
              'INVALID_INPUT',
              `${video.fileName} is too short: a tuple needs ${needed} frames, it has ${video.frameCount ?? 0}.`,
            );
          }
        } else {
          video = usable[seed % Math.max(1, usable.length)];
          if (!video) {
            throw new ApiError('NOT_FOUND', `No ready video is long enough: a tuple needs ${needed} frames.`);
          }
        }
        return fakePreview(config, video, seed, usable.length, skipped);
      },
      'features.sets': () => {
        this.info();
        return structuredClone([...this.featureSets].sort((a, b) => a.id - b.id));
      },
      'features.extract': ({ source, protocol = 'compact' }) => {
        this.info();
        const extracting = this.featureSets.find((s) => s.status === 'extracting');
        if (extracting) {
          throw new ApiError('BUSY', `Feature set ${extracting.id} is being extracted; cancel it or wait for it first.`);
        }
        const resolved = this.#resolveFeatureSource(source);
        const reference = protocol === 'vcop-reference';
        const key = reference ? `${resolved.key}:protocol:${protocol}` : resolved.key;
        const set: Partial<FeatureSetDto> = reference
          ? { ...resolved.set, name: `${resolved.set.name} · VCOP reference`, protocol, inputSize: 112 }
          : resolved.set;
        const existing = [...this.#featureSourceKeys].find(([, k]) => k === key)?.[0];
        if (existing !== undefined) return this.#updateFeatureSet(existing, { status: 'extracting', error: null });
        const id = Math.max(0, ...this.featureSets.map((s) => s.id)) + 1;
        const created = makeFeatureSet(id, { ...set, status: 'extracting', featureSize: null, missingCount: this.#readyVideos().length });
        this.featureSets.push(created);
        this.#featureSourceKeys.set(id, key);
        return created;
      },
      'features.update': ({ setId }) => {
        this.info();
        const extracting = this.featureSets.find((s) => s.status === 'extracting');
        if (extracting) {
          throw new ApiError('BUSY', `Feature set ${extracting.id} is being extracted; cancel it or wait for it first.`);
        }
        this.featureSet(setId);
        return this.#updateFeatureSet(setId, { status: 'extracting', error: null });
      },
      // Like the backend: the extraction stops later and `features.finished` says so (see finishExtraction).
      'features.cancel': ({ setId }) => this.featureSet(setId),
      'features.delete': ({ setId }) => {
        const set = this.featureSet(setId);
        if (set.status === 'extracting') throw new ApiError('BUSY', `Feature set ${setId} is being extracted; cancel it first.`);
        this.featureSets = this.featureSets.filter((s) => s.id !== setId);
        this.#featureSourceKeys.delete(setId);
        return { deleted: set.videoCount };
      },
      'retrieval.query': ({ setId, videoId, k = 10, clipIndex }) => {
        this.info();
        const set = this.#searchableSet(setId);
        const query = this.#readyVideos().find((v) => v.id === videoId);
        if (!query) {
          throw new ApiError('NOT_FOUND', `Video ${videoId} has no features in set ${setId}; extract the set again to add it.`);
        }
        if (clipIndex !== undefined && clipIndex >= set.clipsPerVideo) {
          throw new ApiError('INVALID_INPUT', `clipIndex must be below ${set.clipsPerVideo}, the clips per video of set ${setId}.`);
        }
        return this.#neighbours(set, query, k, clipIndex);
      },
      'evaluation.table': (input) => {
        this.info();
        return this.#evaluate(input);
      },
      'evaluation.classify': (input) => {
        this.info();
        return this.#classify(input);
      },
      'evaluation.map': ({ setId, projection = 'pca' }) => {
        this.info();
        return this.#map(setId, projection);
      },
      'training.backends': () => structuredClone(this.backendReport),
      'training.preset': ({ task, backbone, preset }) => trainPreset(task, backbone, preset),
      'training.start': ({ config: raw }) => {
        const parsed = trainConfigSchema.safeParse(raw);
        if (!parsed.success) throw invalidInput('training.start', parsed.error.issues, 'config');
        this.info();
        const running = this.runs.find((r) => r.status === 'running');
        if (running) throw new ApiError('BUSY', `Run ${running.id} is training; cancel it or wait for it first.`);
        const config: TrainConfig = parsed.data;
        const id = Math.max(0, ...this.runs.map((r) => r.id)) + 1;
        const run = makeRun(id, { config, status: 'running', step: 0, backend: null });
        this.runs.push(run);
        this.runData.set(id, { metrics: [], checkpoints: [], probes: [] });
        return run;
      },
      'training.cancel': ({ runId }) => {
        this.info();
        // Like the backend: the run stops later and `training.finished` says so (see finishRun).
        return this.run(runId);
      },
      'training.resume': ({ runId }) => {
        this.info();
        const run = this.run(runId);
        const running = this.runs.find((r) => r.status === 'running');
        if (running) throw new ApiError('BUSY', `Run ${running.id} is training; cancel it or wait for it first.`);
        if (!RESUMABLE.has(run.status)) {
          throw new ApiError('INVALID_INPUT', `Run ${runId} is ${run.status}; only cancelled, failed or interrupted runs resume.`);
        }
        const step = run.lastCheckpointStep ?? 0;
        const data = this.#data(runId);
        data.metrics = data.metrics.filter((p) => p.step <= step);
        data.probes = data.probes.filter((p) => p.step <= step);
        return this.#updateRun(runId, { status: 'running', step, error: null });
      },
      'training.runs': (filter) => {
        this.info();
        return [...this.runs].filter((run) => runMatches(run, filter)).sort((a, b) => b.id - a.id);
      },
      'training.update': ({ runId, name, note }) => {
        this.info();
        this.run(runId);
        return this.#updateRun(runId, {
          ...(name !== undefined ? { name: name?.trim() || null } : {}),
          ...(note !== undefined ? { note } : {}),
        });
      },
      'training.delete': ({ runId }) => {
        this.info();
        const run = this.run(runId);
        if (run.status === 'running') throw new ApiError('BUSY', `Run ${runId} is training; cancel it before deleting it.`);
        const checkpoints = this.#data(runId).checkpoints.length;
        const featureSets = this.featureSets.filter((s) => s.source.runId === runId).map((s) => s.id);
        this.runs = this.runs.filter((r) => r.id !== runId);
        this.runData.delete(runId);
        this.featureSets = this.featureSets.filter((s) => !featureSets.includes(s.id));
        return { runId, checkpoints, featureSets };
      },
      'training.run': ({ runId }): RunDetail => {
        this.info();
        const run = this.run(runId);
        const data = this.#data(runId);
        return structuredClone({ run, metrics: data.metrics, checkpoints: data.checkpoints, probes: data.probes });
      },
      'training.exportBundle': ({ runId, folder }) => {
        this.info();
        this.run(runId);
        return { folder, trainVideos: 0, validationVideos: 0, unusable: 0, roots: [] };
      },
      // As in a browser (no dialog): the files come back as an archive.
      'features.exportFiftyOne': ({ setId }) => {
        this.info();
        const set = this.featureSet(setId);
        return { kind: 'archive', fileName: `pretext-fiftyone-set-${setId}.tar`, base64: btoa(`fake archive of set ${setId}`), videos: set.videoCount };
      },
      'training.importWeights': ({ file }) => {
        throw new ApiError('UNSUPPORTED', `The fake API reads no files (${file}).`);
      },
    };
  }
}
