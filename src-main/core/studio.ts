/**
 * The composition root of core: one studio per process, with at most one open library. It opens and
 * closes libraries, builds the open-library value the services share, and wires the services; the
 * shells (Electron, bridge, CLI) drive it through the contract handlers (api/handlers.ts).
 */
import { mkdirSync } from 'node:fs';
import type { LibraryInfo, VideoDto, VideoPage } from '../shared/dto.ts';
import { ApiError } from '../shared/errors.ts';
import type { MediaRequest } from '../shared/routes.ts';
import { openLibraryDatabase } from './db/connection.ts';
import { closeAbandonedJobs } from './db/job-owners.ts';
import { getVideo, listVideos, markNotAsImported, type VideoFilter } from './db/videos.ts';
import { FrameCache } from './frames/frame-cache.ts';
import { createFfmpegFrameSource, type FrameSource } from './frames/frame-source.ts';
import type { EventHub } from './jobs/events.ts';
import { goneFromHere, JobOwnership } from './jobs/ownership.ts';
import { ImportService } from './library/import-service.ts';
import { libraryFileFor, libraryPaths } from './library/library-files.ts';
import { MEDIA_NOT_FOUND, type MediaAnswer } from './library/media-access.ts';
import { MediaFiles } from './library/media-files.ts';
import { libraryInfo, type OpenLibrary } from './library/open-library.ts';
import { getMediaTools, type MediaTools } from './media/tools.ts';
import { previewTuple, type PreviewRequest } from './preview/tuple-preview.ts';
import { FeatureService, type ExtractionWorker } from './retrieval/feature-service.ts';
import { RetrievalService } from './retrieval/retrieval-service.ts';
import { TrainingService } from './training/training-service.ts';
import type { TrainingWorker } from './training/protocol.ts';

export interface StudioOptions {
  events: EventHub;
  /** Resolves ffmpeg/ffprobe when a job starts (injected so tests can pin the tools). */
  resolveTools?: () => Promise<MediaTools>;
  importConcurrency?: number;
  /** Disk the decoded-frame cache may use (default 2 GiB, or PRETEXT_FRAME_CACHE_MB). */
  frameCacheBytes?: number;
  /** Starts the training worker thread (injected by tests). */
  trainingWorker?: TrainingWorker;
  /** Opens where feature extraction runs (the desktop app sends WebGPU to its compute host). */
  extractionWorker?: ExtractionWorker;
  /** Least time between two `library.changed` events while an import stores videos (default 1 s). */
  importChangeIntervalMs?: number;
}

const DEFAULT_FRAME_CACHE_BYTES = 2 * 1024 ** 3;

function frameCacheBytes(options: StudioOptions): number {
  if (options.frameCacheBytes !== undefined) return options.frameCacheBytes;
  const megabytes = Number(process.env.PRETEXT_FRAME_CACHE_MB);
  return Number.isFinite(megabytes) && megabytes > 0 ? megabytes * 1024 ** 2 : DEFAULT_FRAME_CACHE_BYTES;
}

export class Studio {
  private library: OpenLibrary | null = null;
  private frameSource: FrameSource | null = null;
  private readonly media = new MediaFiles();
  readonly imports: ImportService;
  /** Training runs of the open library, in a worker thread. */
  readonly training: TrainingService;
  /** Retrieval features of the open library, extracted in a worker thread. */
  readonly features: FeatureService;
  /** Nearest neighbours, evaluation and maps over extracted features. */
  readonly retrieval: RetrievalService;

  constructor(private readonly options: StudioOptions) {
    const library = () => this.requireOpen();
    const { events } = options;
    this.imports = new ImportService(library, events, {
      concurrency: options.importConcurrency,
      changeIntervalMs: options.importChangeIntervalMs,
    });
    this.training = new TrainingService(library, events, options.trainingWorker);
    this.features = new FeatureService(library, events, options.extractionWorker);
    this.retrieval = new RetrievalService(library, events);
  }

  get isOpen(): boolean {
    return this.library !== null;
  }

  /**
   * Opens a library. Jobs whose owning process is gone are closed as interrupted (resumable); jobs
   * another live process runs are left alone. `readOnly` (listings) changes no job state at all.
   */
  open(path: string, create: boolean, options: { readOnly?: boolean } = {}): LibraryInfo {
    if (this.imports.isBusy || this.training.isBusy || this.features.isBusy) {
      throw new ApiError('BUSY', 'A job is running; cancel it or wait before switching libraries.');
    }
    const file = libraryFileFor(path, create);
    const db = openLibraryDatabase(file, { create });
    if (!options.readOnly) closeAbandonedJobs(db, goneFromHere());
    this.library?.jobs.release();
    this.library?.db.close();
    const paths = libraryPaths(file);
    this.library = {
      db,
      file,
      paths,
      tools: this.options.resolveTools ?? getMediaTools,
      frameCacheBytes: frameCacheBytes(this.options),
      jobs: new JobOwnership(db),
    };
    this.frameSource = null;
    mkdirSync(paths.thumbnails, { recursive: true });
    const info = libraryInfo(this.library);
    this.options.events.emit('library.changed', info);
    return info;
  }

  current(): LibraryInfo | null {
    return this.library ? libraryInfo(this.library) : null;
  }

  info(): LibraryInfo {
    return libraryInfo(this.requireOpen());
  }

  /** The open library, as the services get it. */
  requireOpen(): OpenLibrary {
    if (!this.library) throw new ApiError('NO_LIBRARY', 'No library is open. Open or create one first.');
    return this.library;
  }

  videos(filter: VideoFilter): VideoPage {
    return listVideos(this.requireOpen().db, filter);
  }

  video(id: number): VideoDto {
    const video = getVideo(this.requireOpen().db, id);
    if (!video) throw new ApiError('NOT_FOUND', `No video ${id} in this library.`);
    return video;
  }

  /** A sampled tuple rendered as the network sees it (Task preview). */
  async previewTuple(request: PreviewRequest) {
    const library = this.requireOpen();
    const tools = await library.tools();
    return previewTuple({ db: library.db, tools, frames: this.frames(library, tools) }, request);
  }

  /** The decoded-frame source of the open library, its cache beside the library file. */
  private frames(library: OpenLibrary, tools: MediaTools): FrameSource {
    if (!this.frameSource) {
      const cache = new FrameCache(library.paths.frames, { maxBytes: library.frameCacheBytes });
      this.frameSource = createFfmpegFrameSource(tools, cache);
    }
    return this.frameSource;
  }

  /**
   * The file behind a media request of the open library (media-files.ts), or the status to answer.
   * A video found not as imported is marked so, if its library is still the open one.
   */
  async mediaFile(request: MediaRequest): Promise<MediaAnswer> {
    const library = this.library;
    if (!library) return MEDIA_NOT_FOUND;
    return this.media.answer(library, request, (reason) => {
      if (this.library !== library) return;
      markNotAsImported(library.db, request.videoId, reason);
      this.options.events.emit('library.changed', libraryInfo(library));
    });
  }

  /** Cancels running jobs, waits for them to record their state (training checkpoints), and closes the database. */
  async close(): Promise<void> {
    await this.training.close();
    await this.features.close();
    await this.imports.close();
    this.library?.jobs.release();
    this.library?.db.close();
    this.library = null;
    this.frameSource = null;
  }
}
