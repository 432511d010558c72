// Frame source decode speed against plain ffmpeg decoding the same file to the same raw frames, and
// 16-frame clip reads per second from a warm cache. Usage: npx tsx bench/decode.ts [repeats=5]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeArgs } from '../src-main/core/frames/decode.ts';
import { FrameCache } from '../src-main/core/frames/frame-cache.ts';
import { createFfmpegFrameSource, type GridSpec, type VideoRef } from '../src-main/core/frames/frame-source.ts';
import { probeVideo } from '../src-main/core/media/probe.ts';
import { SHARED_MEDIA_DIR } from '../src-main/core/media/testing.ts';
import { getMediaTools } from '../src-main/core/media/tools.ts';
import { printReport } from './report.ts';

const repeats = Number(process.argv[2] ?? 5);
const CASES: { fileName: string; spec: GridSpec }[] = [
  { fileName: 'test_clip.mp4', spec: { width: 171, height: 128, fps: 30 } },
  { fileName: 'kinetics_demo.mp4', spec: { width: 340, height: 256, fps: 28 } },
  { fileName: 'ucf101_v_ApplyEyeMakeup_g01_c01.avi', spec: { width: 64, height: 48, fps: 25 } },
];
const CLIP_READ_SECONDS = 1;
const CLIP_FRAMES = 16;

const work = mkdtempSync(join(tmpdir(), 'pretext-bench-decode-'));
let scratchCount = 0;
const scratch = () => join(work, `scratch-${scratchCount++}`);

/** Plain ffmpeg with the frame source's own arguments; stdout goes to /dev/null or to a file. */
function plainDecode(ffmpeg: string, args: string[], stdout: 'ignore' | number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', stdout, 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}`))));
  });
}

/** Median seconds of `repeats` runs; `cleanUp` runs untimed after each (so page-cache writeback of
 * earlier runs' files does not pile up). */
async function medianSeconds(run: () => Promise<unknown>, cleanUp: () => void = () => undefined): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await run();
    times.push((performance.now() - started) / 1000);
    cleanUp();
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

/** Seconds of one uncached open: decode into a fresh cache, then open the grid. */
function timedOpen(open: (cache: FrameCache) => Promise<{ close(): Promise<void> }>): Promise<number> {
  let folder = '';
  return medianSeconds(
    async () => {
      folder = scratch();
      await (await open(new FrameCache(folder, { maxBytes: 1e10 }))).close();
    },
    () => rmSync(folder, { recursive: true, force: true }),
  );
}

try {
  const tools = await getMediaTools();
  const rows = [];
  for (const { fileName, spec } of CASES) {
    const path = join(SHARED_MEDIA_DIR, fileName);
    // The library stores these at import; the frame source then runs no ffprobe.
    const { durationS, fps } = await probeVideo(tools, path);
    const imported: VideoRef = { id: 1, path, media: { durationS, fps } };
    const args = decodeArgs(path, { ...spec, pixelFormat: 'rgb24' });

    const devNullS = await medianSeconds(() => plainDecode(tools.ffmpeg, args, 'ignore'));
    let filePath = '';
    const toFileS = await medianSeconds(
      async () => {
        filePath = scratch();
        const file = await open(filePath, 'w');
        await plainDecode(tools.ffmpeg, args, file.fd).finally(() => file.close());
      },
      () => rmSync(filePath, { force: true }),
    );
    const sourceS = await timedOpen((cache) => createFfmpegFrameSource(tools, cache).openGrid(imported, spec));
    const probingS = await timedOpen((cache) => createFfmpegFrameSource(tools, cache).openGrid({ id: 1, path }, spec));

    const cache = new FrameCache(scratch(), { maxBytes: 1e10 });
    const grid = await createFfmpegFrameSource(tools, cache).openGrid(imported, spec);
    let reads = 0;
    const until = performance.now() + CLIP_READ_SECONDS * 1000;
    while (performance.now() < until) {
      await grid.readClip((reads * 7919) % (grid.frameCount - CLIP_FRAMES), CLIP_FRAMES);
      reads++;
    }
    await grid.close();

    const frames = grid.frameCount;
    rows.push({
      clip: fileName,
      grid: `${spec.width}x${spec.height}@${spec.fps}`,
      frames,
      ffmpeg_to_devnull_fps: frames / devNullS,
      ffmpeg_to_file_fps: frames / toFileS,
      source_fps: frames / sourceS,
      ratio: devNullS / sourceS,
      source_probing_fps: frames / probingS,
      ratio_probing: devNullS / probingS,
      cached_clip_reads_per_s: reads / CLIP_READ_SECONDS,
    });
  }
  printReport('frame source decode (ratio = frame source fps / ffmpeg-to-/dev/null fps; goal >= 0.9)', rows, {
    repeats,
    clipFrames: CLIP_FRAMES,
    ffmpeg: tools.ffmpegVersion,
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
