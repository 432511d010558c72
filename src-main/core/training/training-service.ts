import { rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { RESUMABLE_RUN_STATUSES, type MetricPoint, type RunDetail, type RunDto, type TrainingProgress } from '../../shared/dto.ts';
import { ApiError } from '../../shared/errors.ts';
import type { TrainConfig } from '../../shared/training.ts';
import type { EventHub } from '../jobs/events.ts';
import type { WritableDB } from '../db/connection.ts';
import { listFeatureSets } from '../db/features.ts';
import {
  createRun,
  deleteRun,
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
import { statusCounts } from '../db/videos.ts';
import type { OpenLibrary, RequireLibrary } from '../library/open-library.ts';
import type { FromWorker, TrainingWorker, WorkerStart } from './protocol.ts';
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
    const videos = await prepareTrainingVideos(db, tools, config.task, {
      validationFraction: config.validationFraction,
      seed: config.seed,
      signal,
      computeMotion: loader.motion,
      onProgress: (done, total) =>
        paced.progress.push({ phase: 'preparing', step: startStep, totalSteps, message: `computing motion ${done} / ${total}` }),
    }).finally(() => loader.close());
    if (videos.train.length === 0) {
      const why = videos.unusable.slice(0, 3).map((video) => `${video.fileName}: ${video.reason}`).join('; ');
      throw new Error(`No video of the library can be used for this task${why ? ` (${why})` : ''}.`);
    }
    const runFolder = resolve(paths.runs, String(run.id));
    const resumeFrom = startStep > 0 ? listCheckpoints(db, run.id).find((checkpoint) => checkpoint.step === startStep) : undefined;
    const worker = this.openWorker(config);
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
              validationAccuracy: message.validationAccuracy,
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
