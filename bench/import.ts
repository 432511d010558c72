// Import throughput on N generated short videos (default 200): first import and an incremental re-import.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLibraryDatabase } from '../src-main/core/db/connection.ts';
import { createJob } from '../src-main/core/db/jobs.ts';
import { runImport } from '../src-main/core/library/importer.ts';
import { synthesizeVideo } from '../src-main/core/media/synthesize.ts';
import { getMediaTools } from '../src-main/core/media/tools.ts';
import { forEachBounded } from '../src-main/core/util/pool.ts';
import { printReport } from './report.ts';

const count = Number(process.argv[2] ?? 200);
const concurrency = Number(process.env.IMPORT_CONCURRENCY ?? 4);
const work = mkdtempSync(join(tmpdir(), 'pretext-bench-import-'));
try {
  const tools = await getMediaTools();
  const root = join(work, 'videos');
  const indices = Array.from({ length: count }, (_, index) => index);
  await forEachBounded(indices, 2, async (index) => {
    const classDir = join(root, `class_${index % 10}`);
    mkdirSync(classDir, { recursive: true });
    await synthesizeVideo(tools, join(classDir, `clip_${index}.mp4`), {
      seconds: 2, width: 160, height: 120, fps: 25, pattern: 'moving-box', seed: index,
      direction: (['left', 'right', 'up', 'down'] as const)[index % 4],
    });
  });
  const db = openLibraryDatabase(join(work, 'bench.pretext'), { create: true });
  const rows = [];
  for (const pass of ['first import', 're-import (unchanged)']) {
    const started = performance.now();
    const job = await runImport({ db, tools, thumbnailDir: join(work, 'thumbs'), concurrency }, createJob(db, root));
    const seconds = (performance.now() - started) / 1000;
    rows.push({ pass, videos: job.found, imported: job.imported, unchanged: job.unchanged, failed: job.failed, seconds, videos_per_s: job.found / seconds });
  }
  db.close();
  printReport('import throughput', rows, { count, concurrency, ffmpeg: tools.ffmpegVersion });
} finally {
  rmSync(work, { recursive: true, force: true });
}
