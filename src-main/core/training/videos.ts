import { framesNeeded, SAMPLING_FPS, type TaskConfig } from '../../shared/tasks.ts';
import type { WritableDB } from '../db/connection.ts';
import { readyVideos } from '../db/videos.ts';
import { libraryVideoRef } from '../frames/library-video.ts';
import { ensureMotion, type MotionComputer } from '../frames/motion-scores.ts';
import { byContent, pipelineVideo, type PipelineVideo } from '../frames/pipeline.ts';
import { isMediaError } from '../media/errors.ts';
import type { MediaTools } from '../media/tools.ts';
import { createRng } from '../tasks/rng.ts';
import { forEachBounded } from '../util/pool.ts';
import type { VideoLabel } from './online-knn.ts';

export interface UnusableVideo {
  videoId: number;
  fileName: string;
  reason: string;
}

export interface TrainingVideos {
  train: PipelineVideo[];
  validation: PipelineVideo[];
  /** Too short for the task, or failing to decode: told to the user, never silently dropped. */
  unusable: UnusableVideo[];
  /** The usable videos that have a label (their folder's name), for the online kNN. */
  labels: VideoLabel[];
}

export interface PrepareOptions {
  /** Share of usable videos held out for validation (split by video, never by tuple). */
  validationFraction: number;
  seed: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Where missing motion is computed (the server passes a worker thread's); here by default. */
  computeMotion?: MotionComputer;
  /** Fewest frames a usable video has; default: what one tuple of the task needs. */
  framesNeeded?: number;
}

/**
 * The library's ready videos as training material for `config`: motion computed (once, stored),
 * too-short and undecodable videos set aside with their reason, and a seeded split by video.
 */
export async function prepareTrainingVideos(
  db: WritableDB,
  tools: MediaTools,
  config: TaskConfig,
  options: PrepareOptions,
): Promise<TrainingVideos> {
  const needed = options.framesNeeded ?? framesNeeded(config);
  const videos = readyVideos(db);
  const usable: PipelineVideo[] = [];
  const unusable: UnusableVideo[] = [];
  let done = 0;
  await forEachBounded(
    videos,
    2,
    async (video) => {
      try {
        const ref = libraryVideoRef(video);
        const motion = await ensureMotion(db, tools, ref, SAMPLING_FPS, {
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.computeMotion ? { compute: options.computeMotion } : {}),
        });
        if (motion.frameCount < needed) {
          unusable.push({
            videoId: video.id,
            fileName: video.fileName,
            reason: `too short: ${motion.frameCount} frames at ${SAMPLING_FPS} fps, the task needs ${needed}`,
          });
        } else {
          usable.push(pipelineVideo(ref, motion, config.frameSize));
        }
      } catch (error) {
        if (!isMediaError(error)) throw error;
        unusable.push({ videoId: video.id, fileName: video.fileName, reason: error.reason });
      }
      options.onProgress?.(++done, videos.length);
    },
    options.signal,
  );
  options.signal?.throwIfAborted();
  usable.sort(byContent);
  unusable.sort((a, b) => a.videoId - b.videoId);
  const shuffled = createRng(options.seed).fork('split').shuffle(usable);
  const usableIds = new Set(usable.map((video) => video.meta.id));
  const labels = videos.flatMap((video) => (video.label !== null && usableIds.has(video.id) ? [{ videoId: video.id, label: video.label }] : []));
  const holdOut = usable.length < 2 ? 0 : Math.max(1, Math.round(usable.length * options.validationFraction));
  return {
    train: shuffled.slice(holdOut).sort(byContent),
    validation: shuffled.slice(0, holdOut).sort(byContent),
    unusable,
    labels,
  };
}
