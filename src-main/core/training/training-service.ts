import { existsSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { RESUMABLE_RUN_STATUSES, type MetricPoint, type RunDetail, type RunDto, type TrainingProgress } from '../../shared/dto.ts';
import { ApiError } from '../../shared/errors.ts';
import { defaultCheckpoint } from '../../shared/checkpoint-policy.ts';
import { FROM_SCRATCH, finetuneConfigOf, finetuneTrainConfig, type FinetuneRequest, type ParentCheckpoint } from '../../shared/finetune.ts';
import { labelBaseline } from '../../shared/task-labels.ts';
import type { TrainConfig } from '../../shared/training.ts';
import type { EventHub } from '../jobs/events.ts';
import type { WritableDB } from '../db/connection.ts';
import { listFeatureSets } from '../db/features.ts';
import {
  createFinetuneRun,
  createRun,
  deleteRun,
  finetunePlan,
  recordTestAccuracy,
  type FinetunePlan,
  type StoredCheckpoint,
  getRun,
  listCheckpoints,
  listRuns,
  recordCheckpoint,
  recordMetrics,
  rewindToLastCheckpoint,
  runDetail,
  setRunStatus,
  updateRunNotes,
} from '../db/runs.ts';
import { runMatches, type RunFilter } from '../../shared/runs.ts';
import { readyVideos, statusCounts } from '../db/videos.ts';
import { seededVideoSplit } from '../tasks/evaluation-split.ts';
import type { PipelineVideo } from '../frames/pipeline.ts';
import type { OpenLibrary, RequireLibrary } from '../library/open-library.ts';
import type { FinetuneStart, FromWorker, TrainingWorker, WorkerStart } from './protocol.ts';
import { recordProbes } from '../db/run-probes.ts';
import { pruneCheckpoints } from './checkpoint-pruning.ts';
import { prepareTrainingVideos } from './videos.ts';
import { latest, Pacer } from './pacer.ts';
import { startBatchLoader } from '../frames/loader.ts';
import { spawnCoreWorker } from '../jobs/worker-host.ts';
import { JobSlot } from '../jobs/job-slot.ts';
import { runJobOver } from '../jobs/job-port.ts';
import { workerJobPort } from '../jobs/worker-job.ts';

/**
 * A run whose process is gone is shown as interrupted even before an opening for work records it so
 * (a read-only listing changes nothing), so no one waits on a run that is not training.
 */
function asSeen(run: RunDto, orphaned: Set<number>): RunDto {
  if (!orphaned.has(run.id)) return run;
  return { ...run, status: 'interrupted', error: 'the process running this training is gone; resume continues from the last checkpoint' };
}

/** Runs train in a worker thread of this process. */
export const trainingThread: TrainingWorker = () => workerJobPort(spawnCoreWorker('training'), 'training');


/**
 * Starts, cancels and resumes training runs of the open library. The engine runs in a worker thread;
 * this side is the only writer of run records, so the library stays consistent whatever the worker does.
 */
type ProgressFields = Partial<TrainingProgress> & Pick<TrainingProgress, 'phase' | 'step' | 'totalSteps'>;

/** Least time between two progress events, and between two metric writes and events, of one run. */
export const TRAINING_UPDATE_INTERVAL_MS = 250;

export class TrainingService {
  private readonly slot = new JobSlot<RunDto>((runId) => `Run ${runId} is training; cancel it or wait for it first.`);

  constructor(
    private readonly library: RequireLibrary,
    private readonly events: EventHub,
    private readonly openWorker: TrainingWorker = trainingThread,
  ) {}

  get isBusy(): boolean {
    return this.slot.isBusy;
  }

  start(config: TrainConfig): RunDto {
    this.slot.assertIdle();
    const { db, jobs } = this.library();
    // Refused before a run exists: a run that can only fail would stay in the list with a useless Resume.
    if (statusCounts(db).ready === 0) {
      throw new ApiError('NO_VIDEOS', 'The library has no ready video to train on: import videos first.');
    }
    const run = jobs.own('training', () => createRun(db, config));
    this.launch(run, 0);
    return getRun(db, run.id) as RunDto;
  }

  /**
   * Fine-tunes a finished pretext run (issue 12.4): its encoder from the chosen checkpoint plus a new
   * classifier, trained on the labelled train split of the evaluation's seeded split and tested on its
   * queries. Every refusal happens before a run exists, so a bad request changes nothing.
   */
  finetune(request: FinetuneRequest): RunDto {
    this.slot.assertIdle();
    const config = finetuneConfigOf(request);
    const { db, jobs, paths } = this.library();
    const parent = getRun(db, config.parentRunId);
    if (!parent) throw new ApiError('NOT_FOUND', `No training run ${config.parentRunId} to fine-tune.`);
    if (parent.kind === 'finetune') {
      throw new ApiError('INVALID_INPUT', `Run ${parent.id} is itself a fine-tune run; fine-tune a pretext run${parent.parentRunId ? ` (its parent is run ${parent.parentRunId})` : ''}.`);
    }
    if (parent.status !== 'completed') {
      throw new ApiError('INVALID_INPUT', `Run ${parent.id} is ${parent.status}; only a finished (completed) run can be fine-tuned${RESUMABLE_RUN_STATUSES.has(parent.status) ? ': resume it to the end first' : ''}.`);
    }
    const checkpoint = config.checkpoint === FROM_SCRATCH ? null : parentCheckpoint(parent, listCheckpoints(db, parent.id), config.checkpoint);
    const videos = readyVideos(db);
    const split = seededVideoSplit(videos, config.split);
    const labelOf = new Map(videos.map((video) => [video.id, video.label]));
    const train = split.train.flatMap((videoId) => {
      const label = labelOf.get(videoId) ?? null;
      return label === null ? [] : [{ videoId, label }];
    });
    const classes = [...new Set(train.map((video) => video.label))].sort();
    if (classes.length < 2) {
      throw new ApiError(
        'INVALID_INPUT',
        `Fine-tuning needs labelled videos of at least 2 classes in the train split; it has ${classes.length === 0 ? 'none' : `only ${classes[0] as string}`}. ` +
          "A video's class is its folder's name (Class/video.mp4): import labelled folders.",
      );
    }
    if (split.queries.length === 0) {
      throw new ApiError('INVALID_INPUT', 'The split has no test video of a class with a training video (each class needs at least 2 videos); import more labelled videos or change the test fraction.');
    }
    const plan: FinetunePlan = {
      config,
      parentCheckpointStep: checkpoint?.step ?? null,
      parentCheckpointFolder: checkpoint?.folder ?? null,
      classes,
      train,
      test: split.queries,
    };
    if (checkpoint && !existsSync(resolve(paths.cache, checkpoint.folder))) {
      throw new ApiError('INVALID_INPUT', `The folder of run ${parent.id}'s checkpoint at step ${checkpoint.step} is missing (${checkpoint.folder}).`);
    }
    const trainConfig = finetuneTrainConfig(parent.config, config, plan.test.length);
    const run = jobs.own('training', () => createFinetuneRun(db, trainConfig, parent.id, plan));
    this.launch(run, 0);
    return getRun(db, run.id) as RunDto;
  }

  resume(runId: number): RunDto {
    this.slot.assertIdle();
    const { db, jobs } = this.library();
    // A run whose process died while this library was open here is closed now, so it can resume.
    if (jobs.orphaned('training').has(runId)) jobs.closeOrphaned();
    const run = this.requireRun(db, runId);
    if (!RESUMABLE_RUN_STATUSES.has(run.status)) {
      throw new ApiError('INVALID_INPUT', `Run ${runId} is ${run.status}; only cancelled, failed or interrupted runs resume.`);
    }
    const step = jobs.own('training', () => ({ id: runId, step: rewindToLastCheckpoint(db, runId) })).step;
    this.launch(run, step);
    return getRun(db, runId) as RunDto;
  }

  cancel(runId: number): RunDto {
    const { db } = this.library();
    const run = this.requireRun(db, runId);
    this.slot.cancel(runId);
    return run;
  }

  runs(filter: RunFilter = {}): RunDto[] {
    const orphaned = this.library().jobs.orphaned('training');
    return listRuns(this.library().db)
      .map((run) => asSeen(run, orphaned))
      .filter((run) => runMatches(run, filter));
  }

  /** Renames and/or annotates a run (allowed while it trains: it touches no training state). */
  update(runId: number, fields: { name?: string | null | undefined; note?: string | undefined }): RunDto {
    const { db } = this.library();
    this.requireRun(db, runId);
    updateRunNotes(db, runId, fields);
    return asSeen(this.requireRun(db, runId), this.library().jobs.orphaned('training'));
  }

  /**
   * Deletes a run, its checkpoints (records and folders) and the feature sets extracted from it.
   * Refused while the run trains, here or in another live process, or while one of its sets is extracted.
   */
  delete(runId: number): { runId: number; checkpoints: number; featureSets: number[] } {
    const { db, paths, jobs } = this.library();
    const run = this.requireRun(db, runId);
    const training = this.slot.holds(runId) || (run.status === 'running' && !jobs.orphaned('training').has(runId));
    if (training) throw new ApiError('BUSY', `Run ${runId} is training; cancel it before deleting it.`);
    const orphanedSets = jobs.orphaned('extraction');
    const extracting = listFeatureSets(db).find(
      (set) => set.source.runId === runId && set.status === 'extracting' && !orphanedSets.has(set.id),
    );
    if (extracting) throw new ApiError('BUSY', `Feature set ${extracting.id} of run ${runId} is being extracted; cancel it first.`);
    const deleted = deleteRun(db, runId);
    // Files after the records: a crash in between leaves unused folders, never records without files.
    for (const folder of deleted.checkpointFolders) rmSync(resolve(paths.cache, folder), { recursive: true, force: true });
    rmSync(resolve(paths.runs, String(runId)), { recursive: true, force: true });
    return { runId, checkpoints: deleted.checkpointFolders.length, featureSets: deleted.featureSetIds };
  }

  run(runId: number): RunDetail {
    const detail = runDetail(this.library().db, runId);
    if (!detail) throw new ApiError('NOT_FOUND', `No training run ${runId}.`);
    return { ...detail, run: asSeen(detail.run, this.library().jobs.orphaned('training')) };
  }

  /** Resolves when the run stops (for the CLI and tests). */
  async wait(runId: number): Promise<RunDto> {
    return this.slot.wait(runId) ?? this.requireRun(this.library().db, runId);
  }

  /** Cancels a running job and waits for its checkpoint (app shutdown). */
  close(): Promise<void> {
    return this.slot.close();
  }

  private launch(run: RunDto, startStep: number): void {
    const library = this.library();
    const { db } = library;
    this.slot.start(
      run.id,
      (signal) =>
        this.execute(library, run, startStep, signal)
          .catch((error: unknown) => {
            setRunStatus(db, run.id, 'failed', { error: error instanceof Error ? error.message : String(error) });
          })
          .then(() => getRun(db, run.id) as RunDto),
      (finished) => this.events.emit('training.finished', finished),
    );
  }

  private progress(runId: number, fields: ProgressFields): void {
    this.events.emit('training.progress', {
      runId,
      stepsPerSecond: null,
      etaSeconds: null,
      dataWaitShare: null,
      backend: null,
      message: null,
      ...fields,
    });
  }

  private async execute(library: OpenLibrary, run: RunDto, startStep: number, signal: AbortSignal): Promise<void> {
    const { db } = library;
    // Paced: a fast run steps hundreds of times a second, and each step's write and event to every
    // window would queue ahead of the UI's calls on this thread.
    const progress = new Pacer<ProgressFields>((fields) => this.progress(run.id, fields), latest, TRAINING_UPDATE_INTERVAL_MS);
    const metrics = new Pacer<MetricPoint[]>(
      (points) => {
        recordMetrics(db, run.id, points);
        this.events.emit('training.metrics', { runId: run.id, points, probes: [] });
      },
      (waiting, next) => [...waiting, ...next],
      TRAINING_UPDATE_INTERVAL_MS,
    );
    try {
      await this.train(library, run, startStep, signal, { progress, metrics });
    } finally {
      // Whatever waits is stored and told before the run's end is.
      metrics.flush();
      progress.flush();
    }
  }

  private async train(
    library: OpenLibrary,
    run: RunDto,
    startStep: number,
    signal: AbortSignal,
    paced: { progress: Pacer<ProgressFields>; metrics: Pacer<MetricPoint[]> },
  ): Promise<void> {
    const { db, paths } = library;
    const cacheDir = paths.cache;
    const { config } = run;
    const totalSteps = config.steps;
    const tools = await library.tools();
    const loaderSetup = { tools, frameCacheFolder: paths.frames, frameCacheBytes: library.frameCacheBytes };
    // Motion is decoded and scored in a loader thread: on this thread it would hold up the UI's calls.
    const loader = startBatchLoader(loaderSetup);
    const plan = run.kind === 'finetune' ? finetunePlan(db, run.id) : null;
    if (run.kind === 'finetune' && !plan) throw new Error(`Run ${run.id} is a fine-tune run without its plan.`);
    const videos = await prepareTrainingVideos(db, tools, config.task, {
      validationFraction: plan ? 0 : config.validationFraction,
      seed: config.seed,
      signal,
      computeMotion: loader.motion,
      // A fine-tune item is one clip, the last frame repeated past a short video's end: any video will do.
      ...(plan ? { framesNeeded: 1 } : {}),
      onProgress: (done, total) =>
        paced.progress.push({ phase: 'preparing', step: startStep, totalSteps, message: `computing motion ${done} / ${total}` }),
    }).finally(() => loader.close());
    const finetune = plan ? finetuneVideos(plan, [...videos.train, ...videos.validation], cacheDir) : null;
    if (finetune) {
      videos.train = finetune.train;
      videos.validation = finetune.test;
      videos.labels = [];
    }
    if (videos.train.length === 0) {
      const why = videos.unusable.slice(0, 3).map((video) => `${video.fileName}: ${video.reason}`).join('; ');
      throw new Error(`No video of the library can be used for this task${why ? ` (${why})` : ''}.`);
    }
    const runFolder = resolve(paths.runs, String(run.id));
    const resumeFrom = startStep > 0 ? listCheckpoints(db, run.id).find((checkpoint) => checkpoint.step === startStep) : undefined;
    // Fine-tune runs train in a worker thread of this process (the compute host page knows pretext runs only).
    const worker = finetune ? trainingThread(config) : this.openWorker(config);
    let backend: string | null = null;
    const folderRemovals: Promise<void>[] = [];
    const start = {
      config,
      startStep,
      resumeFrom: resumeFrom ? join(cacheDir, resumeFrom.folder) : null,
      train: videos.train,
      validation: videos.validation,
      labels: videos.labels,
      ...loaderSetup,
      checkpointRoot: runFolder,
      ...(finetune ? { finetune: finetune.start } : {}),
    };
    await runJobOver<WorkerStart, FromWorker, void>(
      worker,
      start,
      (message, finish) => {
        // Metrics are written before anything that follows them (a checkpoint, the end) is.
        if (message.type !== 'metrics' && message.type !== 'progress') paced.metrics.flush();
        switch (message.type) {
          case 'backend':
            backend = message.backend;
            setRunStatus(db, run.id, 'running', { backend });
            break;
          case 'metrics':
            paced.metrics.push(message.points);
            break;
          case 'probe':
            recordProbes(db, run.id, [message.probe]);
            this.events.emit('training.metrics', { runId: run.id, points: [], probes: [message.probe] });
            break;
          case 'checkpoint':
            recordCheckpoint(db, run.id, {
              step: message.step,
              folder: relative(cacheDir, message.folder),
              // A fine-tune run's "validation" is its test split: kept on the curves, never used to
              // pick a checkpoint (the papers report the last one).
              validationAccuracy: finetune ? null : message.validationAccuracy,
            });
            // Runs recorded before the policy existed keep every checkpoint, as they always did.
            if (Number.isInteger(config.keepCheckpoints)) {
              const { removed } = pruneCheckpoints(db, run.id, { cacheDir, keepLast: config.keepCheckpoints });
              // A folder that cannot be deleted only wastes space; the run goes on.
              folderRemovals.push(removed.catch(() => undefined));
            }
            break;
          case 'progress':
            paced.progress.push({ ...message.info, backend });
            break;
          case 'tested':
            recordTestAccuracy(db, run.id, message.accuracy);
            break;
          case 'done':
            paced.progress.flush();
            setRunStatus(db, run.id, message.outcome.cancelled ? 'cancelled' : 'completed');
            finish();
            break;
        }
      },
      { signal },
    );
    await Promise.all(folderRemovals);
  }

  private requireRun(db: WritableDB, runId: number): RunDto {
    const run = getRun(db, runId);
    if (!run) throw new ApiError('NOT_FOUND', `No training run ${runId}.`);
    return run;
  }
}

/** The parent checkpoint a fine-tune starts from: extraction's choice ('auto', 'best', 'last') or a step. */
function parentCheckpoint(parent: RunDto, checkpoints: readonly StoredCheckpoint[], choice: Exclude<ParentCheckpoint, typeof FROM_SCRATCH>): StoredCheckpoint {
  const last = checkpoints.at(-1);
  if (!last) throw new ApiError('INVALID_INPUT', `Run ${parent.id} has no checkpoint to fine-tune.`);
  if (typeof choice === 'number') {
    const found = checkpoints.find((checkpoint) => checkpoint.step === choice);
    if (!found) {
      const steps = checkpoints.map((checkpoint) => checkpoint.step).join(', ');
      throw new ApiError('INVALID_INPUT', `Run ${parent.id} has no checkpoint at step ${choice} (it keeps ${steps}).`);
    }
    return found;
  }
  const best = checkpoints.find((checkpoint) => checkpoint.isBest) ?? last;
  const kind = choice === 'auto' ? (defaultCheckpoint(checkpoints, labelBaseline(parent.config.task), parent.config.validationTuples)?.kind ?? 'last') : choice;
  return kind === 'best' ? best : last;
}

/** A fine-tune plan's train and test videos among the usable ones, and what its worker needs. */
function finetuneVideos(plan: FinetunePlan, usable: readonly PipelineVideo[], cacheDir: string): { train: PipelineVideo[]; test: PipelineVideo[]; start: FinetuneStart } {
  const byId = new Map(usable.map((video) => [video.meta.id, video]));
  const classOf = new Map(plan.classes.map((label, index) => [label, index]));
  const pick = (videos: FinetunePlan['train']) => videos.flatMap((video) => byId.get(video.videoId) ?? []);
  const test = pick(plan.test);
  if (test.length === 0) throw new Error('None of the fine-tune run\'s test videos can be read any more.');
  return {
    train: pick(plan.train),
    test,
    start: {
      labels: [...plan.train, ...plan.test].map((video) => [video.videoId, classOf.get(video.label) as number]),
      classes: plan.classes.length,
      parentCheckpoint: plan.parentCheckpointFolder === null ? null : join(cacheDir, plan.parentCheckpointFolder),
      testClips: plan.config.testClips,
    },
  };
}
