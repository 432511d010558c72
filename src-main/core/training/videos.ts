import { framesNeeded, SAMPLING_FPS, type TaskConfig } from '../../shared/tasks.ts';
import type { WritableDB } from '../db/connection.ts';
import { readyVideos } from '../db/videos.ts';
import { libraryVideoRef } from '../frames/library-video.ts';
import { ensureMotion } from '../frames/motion-scores.ts';
import { byContent, pipelineVideo, type PipelineVideo } from '../frames/pipeline.ts';
import { isMediaError } from '../media/errors.ts';
import type { MediaTools } from '../media/tools.ts';
import { createRng } from '../tasks/rng.ts';
import { forEachBounded } from '../util/pool.ts';

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
}

export interface PrepareOptions {
  /** Share of usable videos held out for validation (split by video, never by tuple). */
  validationFraction: number;
  seed: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
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
  const needed = framesNeeded(config);
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
        const motion = await ensureMotion(db, tools, ref, SAMPLING_FPS, options.signal ? { signal: options.signal } : {});
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
  const holdOut = usable.length < 2 ? 0 : Math.max(1, Math.round(usable.length * options.validationFraction));
  return {
    train: shuffled.slice(holdOut).sort(byContent),
    validation: shuffled.slice(0, holdOut).sort(byContent),
    unusable,
  };
}
