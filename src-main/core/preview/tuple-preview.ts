import { framesAtSamplingRate } from '../../shared/sampling.ts';
import type { PreviewFrame, TuplePreview } from '../../shared/dto.ts';
import { ApiError } from '../../shared/errors.ts';
import { framesNeeded, SAMPLING_FPS, type TaskConfig } from '../../shared/tasks.ts';
import type { WritableDB } from '../db/connection.ts';
import { readyVideos, type SamplingVideo } from '../db/videos.ts';
import { renderView } from '../frames/augment.ts';
import type { FrameSource } from '../frames/frame-source.ts';
import { libraryVideoRef } from '../frames/library-video.ts';
import { ensureMotion } from '../frames/motion-scores.ts';
import type { MediaTools } from '../media/tools.ts';
import { createRng } from '../tasks/rng.ts';
import { isSkipped, samplerFor } from '../tasks/samplers/index.ts';
import type { Tuple } from '../tasks/samplers/types.ts';
import { pngDataUrl } from '../util/png.ts';

export interface PreviewContext {
  db: WritableDB;
  tools: MediaTools;
  frames: FrameSource;
}

export interface PreviewRequest {
  config: TaskConfig;
  videoId?: number | undefined;
  seed: number;
}

/** Videos picked at random are tried at most this often before giving up (each try decodes motion). */
const MAX_ATTEMPTS = 5;

/** Frames at the sampling rate, estimated from the probed duration (exact counts need a decode). */
function estimatedFrames(video: SamplingVideo): number {
  return framesAtSamplingRate(video.durationS);
}

/** Candidates in the order to try: the requested video alone, or the usable ones shuffled by the seed. */
function candidates(videos: SamplingVideo[], request: PreviewRequest, needed: number, seed: number): SamplingVideo[] {
  if (request.videoId !== undefined) {
    const video = videos.find((item) => item.id === request.videoId);
    if (!video) throw new ApiError('NOT_FOUND', `Video ${request.videoId} is not a ready video of this library.`);
    return [video];
  }
  return createRng(seed).fork('video').shuffle(videos.filter((video) => estimatedFrames(video) >= needed));
}

async function renderTuple(context: PreviewContext, video: SamplingVideo, tuple: Tuple, config: TaskConfig) {
  const grid = await context.frames.openGrid(libraryVideoRef(video), { ...config.frameSize, fps: SAMPLING_FPS });
  try {
    const frameBytes = grid.width * grid.height * 3;
    const elements: { frames: PreviewFrame[] }[] = [];
    for (const element of tuple.elements) {
      const pixels = await grid.readFrames(element.frames.map((view) => view.frame));
      const frames = element.frames.map((view, index): PreviewFrame => {
        const rgb = renderView(pixels.subarray(index * frameBytes, (index + 1) * frameBytes), grid, view, tuple.outputSize);
        return { ...view, crop: { ...view.crop }, image: pngDataUrl(rgb, tuple.outputSize.width, tuple.outputSize.height) };
      });
      elements.push({ frames });
    }
    return { elements, grid: { frameCount: grid.frameCount, fps: grid.fps, width: grid.width, height: grid.height } };
  } finally {
    await grid.close();
  }
}

/**
 * Samples one tuple for `config` from the library and renders its frames exactly as the network
 * will see them, with the truth and the video's motion curve, for the Task preview screen.
 */
export async function previewTuple(context: PreviewContext, request: PreviewRequest): Promise<TuplePreview> {
  const { config, seed } = request;
  const sampler = samplerFor(config);
  const needed = framesNeeded(config);
  const videos = readyVideos(context.db);
  const usableVideos = videos.filter((video) => estimatedFrames(video) >= needed).length;
  const tries = candidates(videos, request, needed, seed).slice(0, MAX_ATTEMPTS);
  if (tries.length === 0) {
    throw new ApiError(
      'NOT_FOUND',
      videos.length === 0
        ? 'The library has no ready videos: import a folder first.'
        : `No video is long enough for this task: it needs ${needed} frames at ${SAMPLING_FPS} fps ` +
            `(${(needed / SAMPLING_FPS).toFixed(1)} s).`,
    );
  }
  let shortest = { have: 0, video: tries[0] as SamplingVideo };
  for (const video of tries) {
    const motion = await ensureMotion(context.db, context.tools, libraryVideoRef(video), SAMPLING_FPS);
    const meta = {
      id: video.id,
      frameCount: motion.frameCount,
      width: config.frameSize.width,
      height: config.frameSize.height,
      fps: motion.fps,
    };
    const result = sampler.sample(meta, motion.scores, createRng(seed).fork('tuple'), config as never, motion.cells);
    if (isSkipped(result)) {
      shortest = { have: result.have, video };
      continue;
    }
    const tuple = result as Tuple;
    const { elements, grid } = await renderTuple(context, video, tuple, config);
    const used = tuple.elements.flatMap((element) => element.frames.map((view) => view.frame));
    return {
      task: config.task,
      seed,
      video: { id: video.id, fileName: video.fileName, label: video.label, ...grid },
      elements,
      label: tuple.label,
      classCount: tuple.classCount,
      explanation: tuple.explanation,
      detail: tuple.detail,
      motion: Array.from(motion.scores),
      window: { start: Math.min(...used), end: Math.max(...used) },
      usableVideos,
      skippedVideos: videos.length - usableVideos,
    };
  }
  throw new ApiError(
    'INVALID_INPUT',
    `${shortest.video.fileName} is too short for this task: it needs ${needed} frames at ${SAMPLING_FPS} fps and has ${shortest.have}.`,
  );
}
