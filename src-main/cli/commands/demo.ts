import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { getMediaTools } from '../../core/media/tools.ts';
import { synthesizeVideo } from '../../core/media/synthesize.ts';
import { createSession, requireLibrary, type CommandContext } from '../context.ts';
import { exitCodeOf, importFolder, printSummary } from './import.ts';

/** Classes that differ only in the direction of motion: order matters, appearance does not. */
const DIRECTIONS = ['left', 'right', 'up', 'down'] as const;
const VIDEOS_PER_CLASS = 4;

/** Generates a small labelled library (Class/clip.mp4) with ffmpeg's synthetic sources, then imports it. */
export async function runDemo(context: CommandContext): Promise<number> {
  const libraryFile = resolve(requireLibrary(context));
  const videosDir = resolve(context.options.videos ?? join(dirname(libraryFile), 'pretext-demo-videos'));
  const tools = await getMediaTools();
  for (const direction of DIRECTIONS) {
    const classDir = join(videosDir, `move_${direction}`);
    mkdirSync(classDir, { recursive: true });
    for (let index = 0; index < VIDEOS_PER_CLASS; index++) {
      if (process.stderr.isTTY && !context.json) process.stderr.write(`\rGenerating move_${direction}/clip_${index}.mp4   `);
      await synthesizeVideo(tools, join(classDir, `clip_${index}.mp4`), {
        seconds: 4,
        width: 160,
        height: 120,
        fps: 25,
        pattern: 'moving-box',
        direction,
        seed: DIRECTIONS.indexOf(direction) * 100 + index,
      });
    }
  }
  if (process.stderr.isTTY && !context.json) process.stderr.write('\n');
  const session = createSession();
  try {
    await session.call('library.open', { path: libraryFile, create: true });
    const job = await importFolder(session, videosDir, context.json);
    const failures = await session.call('import.failures', { jobId: job.id });
    if (context.json) console.log(JSON.stringify({ library: libraryFile, videosDir, job, failures }, null, 2));
    else {
      printSummary(job, failures);
      console.log(`Demo library: ${libraryFile}\nVideos: ${videosDir}`);
    }
    return exitCodeOf(job);
  } finally {
    await session.studio.close();
  }
}
