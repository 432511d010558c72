/**
 * Labelled videos for the UI tests, made by the project's synthesizer (ffmpeg's lavfi sources) once
 * per machine and reused: they are only read (imports never write into the imported folder).
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { synthesizeVideo, type MotionDirection } from '../src-main/core/media/synthesize.ts';
import { getMediaTools } from '../src-main/core/media/tools.ts';

/** Classes that differ in the direction of motion, as in `pretext demo`. */
export const UI_LABELS = ['move_left', 'move_right', 'move_up'] as const;
export const UI_VIDEOS_PER_LABEL = 2;
/** Every video: 3 s at 25 fps, long enough for every task's tiny preset. */
export const UI_VIDEO_FRAMES = 75;
/** A 1 s clip in its own class, too short for the paper presets (the details say which). */
export const SHORT_VIDEO = 'short/blip.mp4';
/** A clip in the imported folder itself: it has no label. */
export const UNLABELLED_VIDEO = 'loose.mp4';
/** A text file named like a video: the import lists it as failed. */
export const BROKEN_VIDEO = 'broken/notes.mp4';
/** Ready videos: the labelled ones, the short and the unlabelled one. */
export const UI_READY_VIDEOS = UI_LABELS.length * UI_VIDEOS_PER_LABEL + 2;

/** Bump when the set changes, so a stale cached copy (of the videos or the library) is not reused. */
export const UI_VIDEOS_VERSION = 3;

/**
 * The folder of the UI videos: `<label>/clip_<i>.mp4`, the short, the unlabelled and the broken one. Made once
 * into a temporary folder and renamed into place, so parallel test files never see half of it.
 */
export async function uiVideos(): Promise<string> {
  const folder = join(tmpdir(), `pretext-ui-videos-v${UI_VIDEOS_VERSION}`);
  if (existsSync(folder)) return folder;
  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const tools = await getMediaTools();
  for (const [index, label] of UI_LABELS.entries()) {
    mkdirSync(join(partial, label), { recursive: true });
    for (let i = 0; i < UI_VIDEOS_PER_LABEL; i++) {
      await synthesizeVideo(tools, join(partial, label, `clip_${i}.mp4`), {
        seconds: UI_VIDEO_FRAMES / 25, width: 64, height: 48, fps: 25, pattern: 'moving-box',
        direction: label.slice('move_'.length) as MotionDirection, seed: index * 10 + i,
      });
    }
  }
  mkdirSync(join(partial, dirname(SHORT_VIDEO)));
  await synthesizeVideo(tools, join(partial, SHORT_VIDEO), {
    seconds: 1, width: 64, height: 48, fps: 25, pattern: 'moving-box', direction: 'down', seed: 99,
  });
  await synthesizeVideo(tools, join(partial, UNLABELLED_VIDEO), {
    seconds: UI_VIDEO_FRAMES / 25, width: 64, height: 48, fps: 25, pattern: 'moving-box', direction: 'down', seed: 98,
  });
  mkdirSync(join(partial, dirname(BROKEN_VIDEO)));
  writeFileSync(join(partial, BROKEN_VIDEO), 'not a video\n');
  publish(partial, folder);
  return folder;
}

/** Renames a finished folder into place; when another test file finished first, its copy is the same. */
export function publish(partial: string, folder: string): void {
  try {
    renameSync(partial, folder);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(folder)) throw error;
  }
}
