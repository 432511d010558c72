/**
 * Videos in a form every browser (and Electron) plays, for the side-by-side comparison and the details
 * player: UCF101's Xvid AVIs and many camera files are not. A file already in a browser codec and
 * container is served as it is; any other gets an H.264 MP4 copy, made once (atomically) and kept.
 */
import { firstMeaningfulLine } from './probe.ts';
import { writeAtomically } from './atomic.ts';
import { fileArg } from './input.ts';
import { runTool } from './run.ts';
import { videoEncoders } from './synthesize.ts';
import type { MediaTools } from './tools.ts';

const BROWSER_CODECS = new Set(['h264', 'vp8', 'vp9', 'av1']);
const BROWSER_CONTAINERS = new Set(['mp4', 'mov', 'webm', 'matroska']);
const TRANSCODE_TIMEOUT_MS = 30 * 60_000;

export function isBrowserPlayable(codec: string | null, container: string | null): boolean {
  return codec !== null && container !== null && BROWSER_CODECS.has(codec) && BROWSER_CONTAINERS.has(container);
}

/** Writes an H.264 MP4 copy of `source` at `target` (atomically). */
export async function writePlayableCopy(tools: MediaTools, source: string, target: string, signal?: AbortSignal): Promise<void> {
  if (!(await videoEncoders(tools.ffmpeg)).has('libx264')) {
    throw new Error(`This ffmpeg (${tools.ffmpeg}) has no H.264 encoder (libx264) to make a playable copy.`);
  }
  await writeAtomically(target, async (tempPath) => {
    const args = [
      '-nostdin', '-v', 'error', '-y', '-i', fileArg(source),
      '-map', '0:v:0', '-an',
      // Even sizes for yuv420p; the index first so playback starts before the whole file arrives.
      '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2', '-pix_fmt', 'yuv420p',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-movflags', '+faststart',
      '-f', 'mp4', fileArg(tempPath),
    ];
    const result = await runTool(tools.ffmpeg, args, { timeoutMs: TRANSCODE_TIMEOUT_MS, ...(signal ? { signal } : {}) });
    if (result.code !== 0) {
      const line = firstMeaningfulLine(result.stderr, fileArg(tempPath)) ?? `exit code ${result.code}`;
      throw new Error(`ffmpeg could not make a playable copy of ${source}: ${line}`);
    }
  });
}
