/**
 * The one IPC contract. Every method and event the renderer may use is declared here once;
 * the preload, the Electron handlers, the HTTP bridge and the renderer client derive their
 * channel names and types from this object, and the main side validates inputs with these schemas.
 */
import { z } from 'zod';
import type {
  AppInfo,
  BackendReport,
  ClassificationTable,
  EmbeddingMap,
  EvaluationProgress,
  EvaluationTable,
  ExtractionProgress,
  FeatureSetDto,
  ImportFailure,
  ImportJobDto,
  ImportProgress,
  LibraryInfo,
  PickFolderResult,
  RetrievalResult,
  ExportedBundle,
  FiftyOneExport,
  ReportExport,
  RunDetail,
  RunDto,
  TaskInfo,
  TrainingMetrics,
  TrainingProgress,
  TuplePreview,
  VideoDto,
  VideoPage,
} from './dto.ts';
import { CHECKPOINT_CHOICES } from './checkpoint-policy.ts';
import {
  CLASSIFIERS,
  EVALUATION_KS,
  FEATURE_PROTOCOLS,
  PROJECTIONS,
  RUN_STATUSES,
  TEST_LIST_MAX_CHARS,
  VIDEO_STATUSES,
} from './dto.ts';
import { RUN_NAME_MAX, RUN_NOTE_MAX } from './runs.ts';
import { fitsBackbone, taskConfigSchema } from './task-schemas.ts';
import { PRESET_NAMES, TASK_IDS } from './tasks.ts';
import { BACKBONES, trainConfigSchema, type TrainConfig } from './training.ts';
import { finetuneRequestSchema } from './finetune.ts';
import type { CallResult } from './errors.ts';

// Routes and schemes live in a zod-free module so the renderer bundle stays small.
export { BRIDGE, MEDIA_SCHEME, mediaProtocolUrl, type MediaKind } from './routes.ts';

/** A method: a schema for its input and a phantom type for its output. */
export interface MethodSpec<I extends z.ZodType, O> {
  readonly input: I;
  /** Never set at run time: carries the output type only. */
  readonly output?: O;
}

function method<I extends z.ZodType>(input: I) {
  return { returns: <O>(): MethodSpec<I, O> => ({ input }) };
}

/** An event: a phantom payload type; events flow main → renderer only. */
export interface EventSpec<P> {
  readonly payload?: P;
}

function event<P>(): EventSpec<P> {
  return {};
}

const nonEmptyPath = z
  .string()
  .trim()
  .min(1, 'a path is required')
  .max(4096)
  .refine((path) => !path.includes('\0'), 'a path cannot contain a NUL character');
const id = z.number().int().positive();
const noInput = z.object({}).strict();
const seed = z.number().int().min(0).max(2 ** 31 - 1);

/** Which sets an evaluation scores, and on which split of the library's labelled videos. */
const evaluationSplit = {
  /** Feature sets to compare; all ready ones when omitted. */
  setIds: z.array(id).max(200).optional(),
  seed: seed.default(0),
  testFraction: z.number().gt(0).lt(1).default(0.3),
  /**
   * The text of a test list (paths or file names, one per line), UCF101 style. The text, not a
   * path: the API never reads a file that a caller names (see README, Security).
   */
  testListText: z.string().min(1).max(TEST_LIST_MAX_CHARS).optional(),
};

/** Weights for feature extraction: a run's checkpoint, or random init shaped like a run or a preset. */
const featureSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('run'),
      runId: id,
      /** 'auto': the last checkpoint unless the best is clearly better (shared/checkpoint-policy.ts). */
      checkpoint: z.enum(CHECKPOINT_CHOICES).default('auto'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('random'),
      /** Same architecture and input as this run, fresh weights. */
      runId: id.optional(),
      task: z.enum(TASK_IDS).optional(),
      backbone: z.enum(BACKBONES).optional(),
      preset: z.enum(PRESET_NAMES).default('tiny'),
      seed: seed.default(0),
    })
    .strict()
    .refine((source) => (source.runId === undefined) === (source.task !== undefined && source.backbone !== undefined), {
      error: 'random init needs either runId, or task and backbone',
    })
    .superRefine(fitsBackbone((source) => source.task)),
]);

export const contract = {
  methods: {
    'app.info': method(noInput).returns<AppInfo>(),
    'library.current': method(noInput).returns<LibraryInfo | null>(),
    'library.open': method(
      z
        .object({
          path: nonEmptyPath,
          create: z.boolean().default(false),
          /** For listings: leaves every job's state as it is (jobs of dead processes are closed by openings for work). */
          readOnly: z.boolean().default(false),
        })
        .strict(),
    ).returns<LibraryInfo>(),
    /** Libraries opened before, most recent first (those that still exist). */
    'library.recent': method(noInput).returns<string[]>(),
    'import.start': method(z.object({ folder: nonEmptyPath }).strict()).returns<ImportJobDto>(),
    'import.cancel': method(z.object({ jobId: id }).strict()).returns<ImportJobDto>(),
    'import.jobs': method(
      z.object({ limit: z.number().int().min(1).max(500).default(20) }).strict(),
    ).returns<ImportJobDto[]>(),
    'import.failures': method(z.object({ jobId: id }).strict()).returns<ImportFailure[]>(),
    'videos.list': method(
      z
        .object({
          offset: z.number().int().min(0).default(0),
          limit: z.number().int().min(1).max(1000).default(200),
          /** A label, or null for the videos without one; omitted = all. */
          label: z.string().max(1024).nullable().optional(),
          status: z.enum(VIDEO_STATUSES).optional(),
          search: z.string().max(1024).optional(),
        })
        .strict(),
    ).returns<VideoPage>(),
    'videos.get': method(z.object({ id }).strict()).returns<VideoDto>(),
    'tasks.list': method(noInput).returns<TaskInfo[]>(),
    'tasks.sample': method(
      z
        .object({
          config: taskConfigSchema,
          /** A video of the library; omitted = a random usable one (seeded). */
          videoId: id.optional(),
          seed: z.number().int().min(0).max(2 ** 31 - 1),
        })
        .strict(),
    ).returns<TuplePreview>(),
    'training.backends': method(noInput).returns<BackendReport>(),
    'training.preset': method(
      z
        .object({ task: z.enum(TASK_IDS), backbone: z.enum(BACKBONES), preset: z.enum(PRESET_NAMES) })
        .strict()
        .superRefine(fitsBackbone((input) => input.task)),
    ).returns<TrainConfig>(),
    'training.start': method(z.object({ config: trainConfigSchema }).strict()).returns<RunDto>(),
    /**
     * Fine-tunes a finished pretext run (its encoder + a new classifier) on the labelled train split of
     * the evaluation's seeded split; a run like the others (cancel, resume, delete, curves), tested on
     * the split's queries with several clips per video. A preset ('tiny' | 'paper') and any overrides.
     */
    'training.finetune': method(finetuneRequestSchema).returns<RunDto>(),
    'training.cancel': method(z.object({ runId: id }).strict()).returns<RunDto>(),
    'training.resume': method(z.object({ runId: id }).strict()).returns<RunDto>(),
    'training.runs': method(
      z
        .object({
          task: z.enum(TASK_IDS).optional(),
          status: z.enum(RUN_STATUSES).optional(),
          /** Words that must all appear in the run's number, name, note, task, backbone or backend. */
          search: z.string().max(200).optional(),
        })
        .strict(),
    ).returns<RunDto[]>(),
    /** Renames (a blank or null name restores the default title) and/or annotates a run. */
    'training.update': method(
      z
        .object({
          runId: id,
          name: z.string().max(RUN_NAME_MAX).nullable().optional(),
          note: z.string().max(RUN_NOTE_MAX).optional(),
        })
        .strict(),
    ).returns<RunDto>(),
    /** Deletes a run with its checkpoints and the feature sets extracted from it; refused while it trains. */
    'training.delete': method(z.object({ runId: id }).strict()).returns<{
      runId: number;
      checkpoints: number;
      featureSets: number[];
    }>(),
    'training.run': method(z.object({ runId: id }).strict()).returns<RunDetail>(),
    /** Writes a PyTorch/torchrun training bundle of the run into an empty (or new) folder. */
    'training.exportBundle': method(z.object({ runId: id, folder: z.string().min(1).max(4096) }).strict()).returns<ExportedBundle>(),
    /** A safetensors checkpoint (e.g. from a bundle's train.py) imported as a completed run. */
    'training.importWeights': method(
      z
        .object({
          file: z.string().min(1).max(4096),
          task: z.enum(TASK_IDS),
          backbone: z.enum(BACKBONES),
          /** The architecture when the file does not carry its config (bundle checkpoints do). */
          preset: z.enum(PRESET_NAMES).default('tiny'),
        })
        .strict()
        .superRefine(fitsBackbone((input) => input.task)),
    ).returns<RunDto>(),
    'features.sets': method(noInput).returns<FeatureSetDto[]>(),
    'features.extract': method(
      z.object({ source: featureSource, protocol: z.enum(FEATURE_PROTOCOLS).default('compact') }).strict(),
    ).returns<FeatureSetDto>(),
    /** Extracts the videos a set lacks (new or changed since), with the same weights as before. */
    'features.update': method(z.object({ setId: id }).strict()).returns<FeatureSetDto>(),
    'features.cancel': method(z.object({ setId: id }).strict()).returns<FeatureSetDto>(),
    'features.delete': method(z.object({ setId: id }).strict()).returns<{ deleted: number }>(),
    /**
     * The set, with the retrieval of this split, in FiftyOne's reach. No path comes from the caller:
     * the desktop app asks the user for a folder; elsewhere the files come back as an archive.
     */
    'features.exportFiftyOne': method(
      z.object({ setId: id, seed: seed.default(0), testFraction: z.number().gt(0).lt(1).default(0.3) }).strict(),
    ).returns<FiftyOneExport>(),
    'retrieval.query': method(
      z
        .object({
          setId: id,
          videoId: id,
          k: z.number().int().min(1).max(500).default(10),
          /** Query with one clip of the video (clip retrieval) instead of its mean vector. */
          clipIndex: z.number().int().min(0).max(1000).optional(),
        })
        .strict(),
    ).returns<RetrievalResult>(),
    'evaluation.table': method(
      z
        .object({
          ...evaluationSplit,
          ks: z.array(z.number().int().min(1).max(500)).min(1).max(20).default([...EVALUATION_KS]),
        })
        .strict(),
    ).returns<EvaluationTable>(),
    /** kNN classifier or linear probe on frozen features: train split learns, test split is scored. */
    'evaluation.classify': method(z.object({ ...evaluationSplit, method: z.enum(CLASSIFIERS) }).strict()).returns<ClassificationTable>(),
    'evaluation.map': method(
      z.object({ setId: id, projection: z.enum(PROJECTIONS).default('pca'), seed: seed.default(0) }).strict(),
    ).returns<EmbeddingMap>(),
    /**
     * The paper-style report of the library (every ready set, every run) on this split. No path comes
     * from the caller: the desktop app asks where to save it; elsewhere the HTML comes back to save.
     */
    'evaluation.report': method(
      z
        .object({
          seed: evaluationSplit.seed,
          testFraction: evaluationSplit.testFraction,
          testListText: evaluationSplit.testListText,
          projection: z.enum(PROJECTIONS).default('pca'),
        })
        .strict(),
    ).returns<ReportExport>(),
    'dialog.pickFolder': method(
      z.object({ title: z.string().max(200).optional() }).strict(),
    ).returns<PickFolderResult>(),
  },
  events: {
    'import.progress': event<ImportProgress>(),
    'import.finished': event<ImportJobDto>(),
    'library.changed': event<LibraryInfo>(),
    'training.progress': event<TrainingProgress>(),
    'training.metrics': event<TrainingMetrics>(),
    'training.finished': event<RunDto>(),
    'features.progress': event<ExtractionProgress>(),
    'features.finished': event<FeatureSetDto>(),
    'evaluation.progress': event<EvaluationProgress>(),
  },
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract['methods'];
export type EventName = keyof Contract['events'];

type MethodOf<M extends MethodName> = Contract['methods'][M];
/** What a caller passes (defaults may be omitted). */
export type MethodInput<M extends MethodName> = z.input<MethodOf<M>['input']>;
/** What a handler receives after validation (defaults filled in). */
export type ParsedInput<M extends MethodName> = z.output<MethodOf<M>['input']>;
export type MethodOutput<M extends MethodName> =
  MethodOf<M> extends MethodSpec<z.ZodType, infer O> ? O : never;
export type EventPayload<E extends EventName> =
  Contract['events'][E] extends EventSpec<infer P> ? P : never;

export const METHOD_NAMES = Object.keys(contract.methods) as MethodName[];
export const EVENT_NAMES = Object.keys(contract.events) as EventName[];

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.hasOwn(contract.methods, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(contract.events, value);
}

/** Electron IPC channel of a method (ipcMain.handle / ipcRenderer.invoke). */
export const methodChannel = (name: MethodName): string => `pretext:call:${name}`;
/** Electron IPC channel of an event (webContents.send / ipcRenderer.on). */
export const eventChannel = (name: EventName): string => `pretext:event:${name}`;

/** The API as the renderer sees it, whatever the transport. */
export interface PretextApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** The raw surface the preload exposes on `window.pretext`; the renderer wraps it into PretextApi. */
export interface PreloadBridge {
  invoke(method: MethodName, input: unknown): Promise<CallResult<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}
