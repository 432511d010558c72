import { resolve } from 'node:path';
import { defaultCheckpoint, type CheckpointChoiceName } from '../../shared/checkpoint-policy.ts';
import type { FeatureProtocol, FeatureSetDto, FeatureSourceDto } from '../../shared/dto.ts';
import { ApiError } from '../../shared/errors.ts';
import { labelBaseline } from '../../shared/task-labels.ts';
import type { PresetName, TaskId } from '../../shared/tasks.ts';
import { trainPreset, type Backbone, type TrainConfig } from '../../shared/training.ts';
import type { EventHub } from '../jobs/events.ts';
import { spawnCoreWorker } from '../jobs/worker-host.ts';
import { JobSlot } from '../jobs/job-slot.ts';
import { runJobOver, type JobPort } from '../jobs/job-port.ts';
import { workerJobPort } from '../jobs/worker-job.ts';
import type { ReadableDB } from '../db/connection.ts';
import {
  createFeatureSet,
  deleteFeatureSet,
  findFeatureSet,
  getFeatureSet,
  listFeatureSets,
  recordFeatureFailure,
  saveVideoFeatures,
  setFeatureSetStatus,
  setFeatureSize,
  videosMissingFeatures,
  type StoredFeatureSet,
} from '../db/features.ts';
import { getRun, listCheckpoints } from '../db/runs.ts';
import { libraryVideoRef } from '../frames/library-video.ts';
import type { OpenLibrary, RequireLibrary } from '../library/open-library.ts';
import { extractionPlan, type ExtractionPlan } from './feature-protocol.ts';
import type { ExtractionStart, ExtractionWeights, FromExtractionWorker } from './protocol.ts';

/** What `features.extract` asks for (the contract's validated input). */
export type FeatureSourceRequest = (
  | { kind: 'run'; runId: number; checkpoint: CheckpointChoiceName }
  | { kind: 'random'; runId?: number | undefined; task?: TaskId | undefined; backbone?: Backbone | undefined; preset: PresetName; seed: number }
) & { protocol?: FeatureProtocol | undefined };

/** Opens the channel to where an extraction with this encoder config runs (a worker thread, or the desktop's compute host). */
export type ExtractionWorker = (config: TrainConfig) => JobPort;

export const extractionThread: ExtractionWorker = () => workerJobPort(spawnCoreWorker('extraction'), 'extraction');

const PROTOCOL_NAMES: Record<FeatureProtocol, string> = { compact: 'compact', 'vcop-reference': 'VCOP reference' };

/**
 * Marks a set whose clips a frame encoder saw otherwise than frame by frame (compact protocol: O3N's
 * dynamic images, S&L's and OPN's ordered tuples through the head). Such sets were made frame by
 * frame before; keyed apart, an old set is never extended with vectors made the new way.
 */
const CLIP_ENCODINGS = {
  subsequence: { key: ':clips:dynamic-images', seen: 'dynamic images, as it was trained' },
  tuple: { key: ':clips:ordered-tuples', seen: 'the ordered frame tuples its head compares' },
} as const;

function clipEncoding(config: TrainConfig, protocol: FeatureProtocol): (typeof CLIP_ENCODINGS)[keyof typeof CLIP_ENCODINGS] | null {
  const plan = extractionPlan(config, protocol);
  if (plan.subsequence) return CLIP_ENCODINGS.subsequence;
  return plan.tuple ? CLIP_ENCODINGS.tuple : null;
}

/**
 * The same weights under another protocol, or another clip encoding, are another set. Other compact
 * keys stay as they were before protocols existed, so earlier sets keep being updated.
 */
function withProtocol(resolved: ResolvedSource, protocol: FeatureProtocol): ResolvedSource {
  const encoding = clipEncoding(resolved.config, protocol);
  const encoded = encoding ? { ...resolved, key: `${resolved.key}${encoding.key}` } : resolved;
  if (protocol === 'compact') return encoded;
  return { ...encoded, key: `${encoded.key}:protocol:${protocol}`, name: `${encoded.name} · ${PROTOCOL_NAMES[protocol]}` };
}

/** Why a stored set cannot take more vectors the way its protocol makes them now, or null. */
function encodingChanged(stored: StoredFeatureSet): string | null {
  const encoding = clipEncoding(stored.config, stored.dto.protocol);
  if (!encoding || stored.sourceKey.includes(encoding.key)) return null;
  return `Feature set ${stored.dto.id} was extracted frame by frame; this encoder now sees each clip as ${encoding.seen}. Extract again for a set whose vectors are all made one way.`;
}

/** A request resolved against the library: what to store and which weights to load. */
interface ResolvedSource {
  key: string;
  source: FeatureSourceDto;
  name: string;
  config: TrainConfig;
  weights: ExtractionWeights;
}

/** A feature set of the library, or NOT_FOUND. */
export function requireFeatureSet(db: ReadableDB, setId: number): StoredFeatureSet {
  const set = getFeatureSet(db, setId);
  if (!set) throw new ApiError('NOT_FOUND', `No feature set ${setId}.`);
  return set;
}

/**
 * Extracts, lists and deletes the library's feature sets. The encoder runs in a worker thread; this
 * side writes every video's vectors as they arrive (one transaction each), so a crash keeps all the
 * videos finished so far and the next extraction of the same source does only the rest.
 */
export class FeatureService {
  private readonly slot = new JobSlot<FeatureSetDto>((setId) => `Feature set ${setId} is being extracted; cancel it or wait for it first.`);

  constructor(
    private readonly library: RequireLibrary,
    private readonly events: EventHub,
    private readonly openWorker: ExtractionWorker = extractionThread,
  ) {}

  get isBusy(): boolean {
    return this.slot.isBusy;
  }

  sets(): FeatureSetDto[] {
    return listFeatureSets(this.library().db);
  }

  set(setId: number): StoredFeatureSet {
    return requireFeatureSet(this.library().db, setId);
  }

  /** Starts (or continues, for a source extracted before) an extraction; returns the set at once. */
  extract(request: FeatureSourceRequest): FeatureSetDto {
    this.slot.assertIdle();
    const library = this.library();
    const protocol = request.protocol ?? 'compact';
    return this.start(library, withProtocol(this.resolveSource(library, request), protocol), protocol);
  }

  /** Extracts what an existing set lacks, with the weights it was made with. */
  update(setId: number): FeatureSetDto {
    this.slot.assertIdle();
    const library = this.library();
    const { db, paths } = library;
    const stored = this.set(setId);
    const changed = encodingChanged(stored);
    if (changed) throw new ApiError('UNSUPPORTED', changed);
    const { source } = stored.dto;
    let weights: ExtractionWeights = { kind: 'random', seed: source.kind === 'random' ? source.seed : 0 };
    if (source.kind === 'run') {
      const checkpoint = listCheckpoints(db, source.runId).find((candidate) => candidate.step === source.checkpointStep);
      if (!checkpoint) {
        throw new ApiError('NOT_FOUND', `The step-${source.checkpointStep} checkpoint of run ${source.runId} is gone; extract with a current checkpoint.`);
      }
      weights = { kind: 'checkpoint', folder: resolve(paths.cache, checkpoint.folder) };
    }
    const resolved = { key: stored.sourceKey, source, name: stored.dto.name, config: stored.config, weights };
    return this.start(library, resolved, stored.dto.protocol);
  }

  private start(library: OpenLibrary, resolved: ResolvedSource, protocol: FeatureProtocol): FeatureSetDto {
    const { db } = library;
    const plan = extractionPlan(resolved.config, protocol);
    const setId = library.jobs.own('extraction', () => {
      const id =
        findFeatureSet(db, resolved.key)?.dto.id ??
        createFeatureSet(db, {
          sourceKey: resolved.key,
          source: resolved.source,
          name: resolved.name,
          config: resolved.config,
          protocol,
          inputSize: plan.inputSize,
          clipsPerVideo: plan.clipsPerVideo,
          framesPerClip: plan.framesPerClip,
        });
      setFeatureSetStatus(db, id, 'extracting');
      return id;
    });
    this.launch(library, setId, resolved, plan);
    return this.set(setId).dto;
  }

  cancel(setId: number): FeatureSetDto {
    const set = this.set(setId);
    this.slot.cancel(setId);
    return set.dto;
  }

  delete(setId: number): { deleted: number } {
    this.set(setId);
    if (this.slot.holds(setId)) throw new ApiError('BUSY', `Feature set ${setId} is being extracted; cancel it first.`);
    return { deleted: deleteFeatureSet(this.library().db, setId) };
  }

  /** Resolves when the extraction of `setId` stops (CLI and tests). */
  async wait(setId: number): Promise<FeatureSetDto> {
    return this.slot.wait(setId) ?? this.set(setId).dto;
  }

  /** Cancels a running extraction and waits for it (app shutdown, library switch). */
  close(): Promise<void> {
    return this.slot.close();
  }

  private resolveSource({ db, paths }: OpenLibrary, request: FeatureSourceRequest): ResolvedSource {
    if (request.kind === 'run') {
      const run = getRun(db, request.runId);
      if (!run) throw new ApiError('NOT_FOUND', `No training run ${request.runId}.`);
      if (run.kind === 'finetune') {
        // Its checkpoints hold the encoder and a classifier over the user's classes, not a pretext network.
        const parent = run.parentRunId === null ? 'its parent run' : `its parent, run ${run.parentRunId}`;
        throw new ApiError('INVALID_INPUT', `Run ${run.id} is a fine-tune run (trained on the labels): extract features from ${parent}.`);
      }
      const checkpoints = listCheckpoints(db, run.id);
      const last = checkpoints.at(-1);
      if (!last) throw new ApiError('INVALID_INPUT', `Run ${run.id} has no checkpoint yet; train it further first.`);
      const best = checkpoints.find((checkpoint) => checkpoint.isBest) ?? last;
      const auto = defaultCheckpoint(checkpoints, labelBaseline(run.config.task), run.config.validationTuples);
      const chosen = request.checkpoint === 'auto' ? (auto?.kind ?? 'last') : request.checkpoint;
      const checkpoint = chosen === 'best' ? best : last;
      return {
        key: `run:${run.id}:step:${checkpoint.step}`,
        source: { kind: 'run', runId: run.id, checkpointStep: checkpoint.step },
        name: `Run ${run.id} · ${run.task} ${run.backbone} · step ${checkpoint.step}`,
        config: run.config,
        weights: { kind: 'checkpoint', folder: resolve(paths.cache, checkpoint.folder) },
      };
    }
    const weights: ExtractionWeights = { kind: 'random', seed: request.seed };
    if (request.runId !== undefined) {
      const run = getRun(db, request.runId);
      if (!run) throw new ApiError('NOT_FOUND', `No training run ${request.runId}.`);
      return {
        key: `random:run:${run.id}:seed:${request.seed}`,
        source: { kind: 'random', seed: request.seed, runId: run.id },
        name: `Random init · like run ${run.id} (${run.task} ${run.backbone}) · seed ${request.seed}`,
        config: run.config,
        weights,
      };
    }
    const { task, backbone, preset } = request as Required<typeof request>;
    return {
      key: `random:${task}:${backbone}:${preset}:seed:${request.seed}`,
      source: { kind: 'random', seed: request.seed, runId: null },
      name: `Random init · ${task} ${backbone} ${preset} · seed ${request.seed}`,
      config: trainPreset(task, backbone, preset),
      weights,
    };
  }

  private launch(library: OpenLibrary, setId: number, resolved: ResolvedSource, plan: ExtractionPlan): void {
    const { db } = library;
    this.slot.start(
      setId,
      (signal) =>
        this.execute(library, setId, resolved, plan, signal)
          .then((cancelled) => setFeatureSetStatus(db, setId, cancelled ? 'cancelled' : 'ready'))
          .catch((error: unknown) => setFeatureSetStatus(db, setId, 'failed', error instanceof Error ? error.message : String(error)))
          .then(() => this.set(setId).dto),
      (finished) => this.events.emit('features.finished', finished),
    );
  }

  /** Resolves true when cancelled. */
  private async execute(
    library: OpenLibrary,
    setId: number,
    resolved: ResolvedSource,
    plan: ExtractionPlan,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { db } = library;
    const videos = videosMissingFeatures(db, setId);
    if (videos.length === 0) return false;
    const tools = await library.tools();
    const started = Date.now();
    let done = 0;
    const progress = () => {
      const seconds = (Date.now() - started) / 1000;
      const perSecond = done > 0 && seconds > 0 ? done / seconds : null;
      this.events.emit('features.progress', {
        setId,
        done,
        total: videos.length,
        clipsPerSecond: perSecond === null ? null : perSecond * plan.clipsPerVideo,
        etaSeconds: perSecond === null ? null : (videos.length - done) / perSecond,
      });
    };
    progress();
    const start: ExtractionStart = {
      config: resolved.config,
      weights: resolved.weights,
      videos: videos.map((video) => ({ ref: libraryVideoRef(video), contentHash: video.contentHash })),
      protocol: plan.protocol,
      tools,
      frameCacheFolder: library.paths.frames,
      frameCacheBytes: library.frameCacheBytes,
    };
    let sized = false;
    return runJobOver<ExtractionStart, FromExtractionWorker, boolean>(
      this.openWorker(resolved.config),
      start,
      (message, finish) => {
        switch (message.type) {
          case 'backend':
            break;
          case 'video':
            // The first vector fixes the set's size (or proves it is the size stored before).
            if (!sized) setFeatureSize(db, setId, message.features.vector.length);
            sized = true;
            saveVideoFeatures(db, setId, message.features);
            done++;
            progress();
            break;
          case 'video-failed':
            recordFeatureFailure(db, setId, message.videoId, message.reason);
            done++;
            progress();
            break;
          case 'done':
            finish(message.cancelled);
            break;
        }
      },
      { signal },
    );
  }
}
