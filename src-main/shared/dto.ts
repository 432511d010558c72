/** Data that crosses the IPC boundary. Plain JSON: no Dates, Maps or class instances. */
import type { FinetuneConfig } from './finetune.ts';
import type { PresetName, TaskConfig, TaskId, TupleDetails } from './tasks.ts';
import type { Backbone, TrainConfig } from './training.ts';

export const VIDEO_STATUSES = ['ready', 'failed', 'missing', 'duplicate'] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

export interface VideoDto {
  id: number;
  path: string;
  fileName: string;
  sizeBytes: number;
  durationS: number | null;
  fps: number | null;
  frameCount: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  /** Parent folder name below the import root (UCF101 layout `Class/video.avi`); null when none. */
  label: string | null;
  status: VideoStatus;
  /** Why the video failed to import, or why it is missing/duplicate. */
  error: string | null;
  duplicateOfId: number | null;
  hasThumbnail: boolean;
  /** Ready videos: the task presets too long for this video (a short video is kept, not failed). */
  tooShortFor: TooShortFor[];
  /** ISO-8601 timestamps. */
  importedAt: string;
  updatedAt: string;
}

/** A task preset a video has too few frames for, at the sampling rate (SAMPLING_FPS). */
export interface TooShortFor {
  task: TaskId;
  preset: PresetName;
  framesNeeded: number;
}

export interface VideoPage {
  total: number;
  offset: number;
  items: VideoDto[];
}

export interface LabelCount {
  /** null groups the videos without a label. */
  label: string | null;
  /** Ready videos with this label (what training and evaluation use). */
  count: number;
  /** Videos with this label in any status (what the library's label filter finds). */
  total: number;
}

export type StatusCounts = Record<VideoStatus, number> & { total: number };

export interface LibraryInfo {
  path: string;
  schemaVersion: number;
  counts: StatusCounts;
  labels: LabelCount[];
  /** Folders imported so far, most recent first. */
  roots: string[];
}

/**
 * How a job (an import, a training run, an extraction) can stop before its end: cancelled, failed, or
 * interrupted when its process went away. Every kind of job shares these; a run resumes from any of them.
 */
export const JOB_STOP_STATUSES = ['cancelled', 'failed', 'interrupted'] as const;

export const IMPORT_JOB_STATUSES = ['running', 'completed', ...JOB_STOP_STATUSES] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];

export interface ImportCounts {
  /** Video files found by the scan. */
  found: number;
  /** Files processed so far (any outcome). */
  processed: number;
  imported: number;
  updated: number;
  unchanged: number;
  moved: number;
  duplicates: number;
  failed: number;
  /** Videos of this root that were in the library but are gone from disk. */
  missing: number;
}

export interface ImportJobDto extends ImportCounts {
  id: number;
  root: string;
  status: ImportJobStatus;
  startedAt: string;
  finishedAt: string | null;
  /** Why the whole job failed (not per-file failures). */
  error: string | null;
}

export interface ImportFailure {
  path: string;
  reason: string;
}

export type ImportPhase = 'scanning' | 'importing' | 'finishing';

export interface ImportProgress {
  jobId: number;
  phase: ImportPhase;
  counts: ImportCounts;
  currentFile: string | null;
  /** Seconds left, estimated from throughput so far; null until there is a sample. */
  etaSeconds: number | null;
}

export interface MediaToolsStatus {
  ok: boolean;
  ffmpeg: string | null;
  ffprobe: string | null;
  /** Where the binaries came from, e.g. "FFMPEG_PATH", "ffmpeg-static", "system". */
  source: string | null;
  /** As the binaries print them, e.g. "5.1.9-0+deb12u1". */
  ffmpegVersion: string | null;
  ffprobeVersion: string | null;
  /** When not ok: what was tried and why each failed. */
  message: string | null;
  /** When only an outdated build was found: which one, and how to get a newer one. */
  warning: string | null;
}

export interface AppInfo {
  version: string;
  platform: string;
  mediaTools: MediaToolsStatus;
}

export interface PickFolderResult {
  /** null when the user cancelled the dialog. */
  path: string | null;
}

/** A pretext task as the UI lists it: what it is, and its two presets. */
export interface TaskInfo {
  id: TaskId;
  title: string;
  /** The paper it follows, e.g. "Shuffle & Learn, Misra et al. ECCV 2016". */
  paper: string;
  /** What the network predicts, in one sentence. */
  summary: string;
  presets: Record<PresetName, TaskConfig>;
}

/** One frame of a sampled tuple as the network sees it (cropped, resized, flipped, channel-split). */
export interface PreviewFrame {
  /** Index in the decoded frame grid. */
  frame: number;
  crop: { x: number; y: number; w: number; h: number };
  flip: boolean;
  channel: 0 | 1 | 2 | null;
  /** The augmented pixels as a PNG data URL. */
  image: string;
}

/** A sampled tuple for the Task preview screen, elements in the order the network receives them. */
export interface TuplePreview<T extends TaskId = TaskId> {
  task: T;
  seed: number;
  video: {
    id: number;
    fileName: string;
    label: string | null;
    /** The decoded frame grid the indices refer to. */
    frameCount: number;
    fps: number;
    width: number;
    height: number;
  };
  elements: { frames: PreviewFrame[] }[];
  /** The class the network must predict, and how many there are. */
  label: number;
  classCount: number;
  /** Human-readable truth, e.g. "negative (b, a, d): the middle frame comes from before b". */
  explanation: string;
  detail: TupleDetails[T];
  /** Per-frame motion of the video (the sampler's motion-aware input); null when not computed. */
  motion: number[] | null;
  /** First and last frame the tuple uses, to mark on the motion curve. */
  window: { start: number; end: number };
  /** Ready videos that can / cannot host a tuple of this config (too short). */
  usableVideos: number;
  skippedVideos: number;
}

export const RUN_STATUSES = ['running', 'completed', ...JOB_STOP_STATUSES] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Runs in these states continue from their last checkpoint: any that stopped before its end. */
export const RESUMABLE_RUN_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(JOB_STOP_STATUSES);

export interface RunDto {
  id: number;
  /** The researcher's title for the run; null: it is called by its number. */
  name: string | null;
  /** The researcher's note (free text, '' when none). */
  note: string;
  task: TaskId;
  backbone: Backbone;
  /** The whole config the run was started with: enough to repeat it (its backend is the one asked for, e.g. "auto"). */
  config: TrainConfig;
  seed: number;
  /** The compute backend that actually ran, last time, e.g. "wasm". */
  backend: string | null;
  status: RunStatus;
  /** Steps done (at the last record). */
  step: number;
  totalSteps: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  bestValidationAccuracy: number | null;
  /** The step a resume would continue from; null before the first checkpoint. */
  lastCheckpointStep: number | null;
  /** 'pretext': a pretext task; 'finetune': a parent run's encoder trained on the labels. */
  kind: RunKind;
  /** The run a fine-tune run started from; null for pretext runs and once the parent is deleted. */
  parentRunId: number | null;
  /** What a fine-tune run trains and tests on; null for pretext runs. */
  finetune: FinetuneDto | null;
  /** A fine-tune run's final test accuracy (its last checkpoint, clips averaged); null until tested. */
  testAccuracy: FinetuneAccuracy | null;
}

export const RUN_KINDS = ['pretext', 'finetune'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export interface FinetuneDto {
  config: FinetuneConfig;
  /** The parent's checkpoint the encoder was loaded from; null for the random-init baseline. */
  parentCheckpointStep: number | null;
  /** The classifier's classes, in output order. */
  classes: string[];
  trainVideos: number;
  testVideos: number;
}

/** Top-1 (and top-5 with ≥ 5 classes) on the test split, each video's clip softmaxes averaged. */
export interface FinetuneAccuracy {
  top1: number;
  top5: number | null;
  /** Test videos scored. */
  videos: number;
  /** Clips averaged per video. */
  clips: number;
}

export type MetricSplit = 'train' | 'validation';

export interface MetricPoint {
  split: MetricSplit;
  step: number;
  loss: number;
  /** Pretext accuracy in [0, 1]. */
  accuracy: number;
  stepsPerSecond: number | null;
}

/**
 * The encoder measured on a fixed probe batch (the same tuples every time) during training: whether
 * its features still tell inputs apart, and (when the library has labels) whether they group a class.
 */
export interface ProbePoint {
  step: number;
  /**
   * Std across the probe's elements of their L2-normalised encoder features, averaged over feature
   * dimensions: about 1/√featureSize for features spread over the sphere, 0 when all are the same.
   */
  featureSpread: number;
  featureSize: number;
  /** Online kNN on the library's labelled videos at this step; absent when fewer than two classes are labelled. */
  knn?: OnlineKnn;
}

/**
 * solo-learn's weighted kNN (cosine, k = 20, T = 0.07) on the encoder's features of a fixed set of
 * labelled videos, each one classified by the others (leave one out). Labels are never trained on.
 */
export interface OnlineKnn {
  /** Share of the videos whose class wins the vote of their nearest other videos. */
  accuracy: number;
  videos: number;
  classes: number;
  /** Share of the most common class among them: what always guessing it would score. */
  majority: number;
}

export interface CheckpointDto {
  step: number;
  validationAccuracy: number | null;
  isBest: boolean;
  createdAt: string;
}

/** What `training.exportBundle` wrote (see the bundle's README.md). */
export interface ExportedBundle {
  folder: string;
  trainVideos: number;
  validationVideos: number;
  /** Too short or undecodable: left out of the bundle, as the app would not train on them. */
  unusable: number;
  /** Import roots, by the index videos.csv refers to; the user maps them to folders on the cluster. */
  roots: string[];
}

/**
 * A feature set exported for FiftyOne (core/interop/fiftyone-export.ts): written into a folder the
 * user picked in the desktop app's dialog, or, in a browser (no dialog, no server paths), handed over
 * as a tar archive to download; `cancelled` when the dialog was dismissed.
 */
export type FiftyOneExport =
  | { kind: 'folder'; folder: string; videos: number }
  | { kind: 'archive'; fileName: string; base64: string; videos: number }
  | { kind: 'cancelled' };

export interface RunDetail {
  run: RunDto;
  metrics: MetricPoint[];
  checkpoints: CheckpointDto[];
  probes: ProbePoint[];
}

/** The compute backend training would use here, and why each faster one is not available. */
export interface BackendReport {
  /** The backend 'auto' picks, e.g. "wasm". */
  selected: string;
  backends: BackendStatus[];
}

export interface BackendStatus {
  name: string;
  /** It runs here when chosen explicitly. */
  available: boolean;
  /** What to know when it runs, or why it cannot. */
  note: string;
  /** Available, yet 'auto' passes it by (a software GPU adapter): why. */
  autoSkips?: string;
  /** The GPU adapter it would use (webgpu). */
  adapter?: GpuAdapterSummary;
}

/** A WebGPU adapter as its implementation describes it. */
export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (llvmpipe, SwiftShader) or a fallback adapter. */
  software: boolean;
  /** What the implementation itself says (GPUAdapterInfo.isFallbackAdapter). */
  isFallbackAdapter: boolean;
}

export interface TrainingProgress {
  runId: number;
  phase: 'preparing' | 'training' | 'evaluating' | 'checkpointing';
  step: number;
  totalSteps: number;
  stepsPerSecond: number | null;
  etaSeconds: number | null;
  /** Share of step time spent waiting for data. */
  dataWaitShare: number | null;
  backend: string | null;
  /** What is happening, e.g. "computing motion 3 / 120". */
  message: string | null;
}

export interface TrainingMetrics {
  runId: number;
  points: MetricPoint[];
  /** Probe measurements taken with these points (usually none). */
  probes: ProbePoint[];
}

/** Where a feature set's weights come from: a run's checkpoint, or random initialisation (the baseline). */
export type FeatureSourceDto =
  | { kind: 'run'; runId: number; checkpointStep: number }
  | { kind: 'random'; seed: number; runId: number | null };

/**
 * How a feature set turns a video into a vector (README "Evaluation protocols"):
 * - `vcop-reference`: VCOP's retrieve_clips.py / retrieve_frames.py — clip encoders take 10 clips of 16
 *   frames resized to 128×171 and centre-cropped to 112, the last conv map max-pooled by (1,2,2) and
 *   flattened (9,216 for C3D and R3D); frame encoders take 10 single frames resized to 256×256, centre
 *   crop 227 (CaffeNet's unpadded conv1 on 227 gives AlexNet's 6×6 grid on 224), conv5 + 3/2 max pool,
 *   flattened. Clips (or frames) averaged.
 * - `compact`: the encoder's own input size and clip length, the last conv map max-pooled over space
 *   (a global pool) — where the network sees order otherwise, its own view: O3N's dynamic images, S&L's
 *   and OPN's head over ordered frame tuples —, clips averaged: small vectors, not comparable with the
 *   papers' tables.
 */
export const FEATURE_PROTOCOLS = ['compact', 'vcop-reference'] as const;
export type FeatureProtocol = (typeof FEATURE_PROTOCOLS)[number];

export const FEATURE_SET_STATUSES = ['extracting', 'ready', ...JOB_STOP_STATUSES] as const;
export type FeatureSetStatus = (typeof FEATURE_SET_STATUSES)[number];

/** One vector per video (and per clip) of the library, from one frozen encoder. */
export interface FeatureSetDto {
  id: number;
  /** e.g. "Run 3 · clip-order r3d · step 400" or "Random init · clip-order r3d". */
  name: string;
  source: FeatureSourceDto;
  task: TaskId;
  backbone: Backbone;
  /** Null until the encoder has been built for the first time. */
  featureSize: number | null;
  protocol: FeatureProtocol;
  /** Side of the square crop the encoder saw, in pixels. */
  inputSize: number;
  clipsPerVideo: number;
  framesPerClip: number;
  status: FeatureSetStatus;
  /** Videos with stored features. */
  videoCount: number;
  /** Ready library videos without features (new or changed since extraction). */
  missingCount: number;
  /** Videos that could not be extracted (too short to decode, unreadable), with reasons. */
  failures: { videoId: number; fileName: string; reason: string }[];
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ExtractionProgress {
  setId: number;
  done: number;
  total: number;
  clipsPerSecond: number | null;
  etaSeconds: number | null;
}

/** A stretch of a video, in seconds, that a clip covers. */
export interface ClipSpan {
  index: number;
  startSeconds: number;
  endSeconds: number;
}

export interface NeighbourDto {
  rank: number;
  videoId: number;
  fileName: string;
  label: string | null;
  /** Cosine similarity in [-1, 1]. */
  score: number;
  /** Whether the label equals the query's; null when either has no label. */
  sameLabel: boolean | null;
  /** The matching clip in clip retrieval; null for video retrieval. */
  clip: ClipSpan | null;
  /** In video retrieval, the two clips most alike (highest cosine of all clip pairs); null in clip retrieval. */
  match: ClipMatch | null;
}

/** A clip of the query and a clip of a neighbour, and how alike they are. */
export interface ClipMatch {
  query: ClipSpan;
  neighbour: ClipSpan;
  /** Cosine similarity of the two clips in [-1, 1]. */
  score: number;
}

export interface RetrievalResult {
  setId: number;
  query: { videoId: number; fileName: string; label: string | null; clip: ClipSpan | null };
  neighbours: NeighbourDto[];
}

export const EVALUATION_KS = [1, 5, 10, 20, 50] as const;

/** The longest test list accepted (characters); UCF101's testlist01.txt has about 110,000. */
export const TEST_LIST_MAX_CHARS = 512 * 1024;

/** Below this many queries a figure moves by ≥ 5 points per query: the UI and CLI warn. */
export const FEW_QUERIES = 20;

/** What every evaluation row says about the vectors it scored. */
export interface EvaluatedSet {
  setId: number;
  name: string;
  isRandomInit: boolean;
  protocol: FeatureProtocol;
  inputSize: number;
  clipsPerVideo: number;
  featureSize: number | null;
}

export interface EvaluationRow extends EvaluatedSet {
  /** Top-k accuracy in [0, 1] keyed by k; null when no test video can be scored. */
  topK: Record<number, number | null>;
  /** Labelled test videos used as queries (those of a class with a training video). */
  queries: number;
  /** Training videos searched. */
  gallery: number;
}

/** A test video of the split (a query). */
export interface SplitVideo {
  videoId: number;
  fileName: string;
  label: string | null;
}

export interface EvaluationSplit {
  seed: number;
  testFraction: number;
  /** 'seeded' draws the split (stratified by class); 'list' comes from the user's test list. */
  kind: 'seeded' | 'list';
  train: number;
  test: number;
  labels: number;
  unlabelled: number;
  /** The test videos scored as queries, by file name. */
  queries: SplitVideo[];
  /**
   * Test classes without a training video: no neighbour or classifier can get them right, so their
   * videos are left out of every figure (and listed here).
   */
  excludedClasses: { label: string; videos: number }[];
}

export interface EvaluationTable {
  ks: number[];
  split: EvaluationSplit;
  rows: EvaluationRow[];
}

export const CLASSIFIERS = ['knn', 'linear'] as const;
export type Classifier = (typeof CLASSIFIERS)[number];

export interface ClassificationRow extends EvaluatedSet {
  /** Share of test videos whose class is the best-scored one; null without a scorable test video. */
  top1: number | null;
  top5: number | null;
  queries: number;
  /** Labelled training videos the classifier learned from (kNN: its memory). */
  train: number;
  /** kNN: k and temperature; linear: the weight decay chosen on the validation part and its accuracy there. */
  settings:
    | { method: 'knn'; k: number; temperature: number }
    | { method: 'linear'; weightDecay: number; validationAccuracy: number | null; validation: number; steps: number };
}

export interface ClassificationTable {
  method: Classifier;
  split: EvaluationSplit;
  rows: ClassificationRow[];
}

/** Linear-probe progress: optimisation steps done of all fits (the sweep, then the final fit). */
export interface EvaluationProgress {
  method: Classifier;
  setId: number;
  done: number;
  total: number;
}

export const PROJECTIONS = ['pca', 'umap'] as const;
export type Projection = (typeof PROJECTIONS)[number];

export interface EmbeddingPoint {
  videoId: number;
  fileName: string;
  label: string | null;
  x: number;
  y: number;
}

export interface EmbeddingMap {
  setId: number;
  projection: Projection;
  points: EmbeddingPoint[];
}

/**
 * A paper-style report (core/report): saved where the user picked in the desktop app's dialog, or, in
 * a browser and the CLI (no dialog, no caller-named paths), handed over as the HTML to save;
 * `cancelled` when the dialog was dismissed.
 */
export type ReportExport =
  | { kind: 'file'; path: string }
  | { kind: 'html'; fileName: string; html: string }
  | { kind: 'cancelled' };
