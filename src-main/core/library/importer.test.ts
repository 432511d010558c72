import { mkdirSync, readdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJobDto, ImportProgress, VideoDto } from '../../shared/dto.ts';
import { openLibraryDatabase, type WritableDB } from '../db/connection.ts';
import { createJob, listFailures } from '../db/jobs.ts';
import { listVideos } from '../db/videos.ts';
import { synthesizeVideo } from '../media/synthesize.ts';
import { copySharedClip, writeAviWithDamagedHeader, writeCorruptFixtures } from '../media/testing.ts';
import { TASK_IDS } from '../../shared/tasks.ts';
import { tasksTooShortFor } from '../tasks/usability.ts';
import { getMediaTools, type MediaTools } from '../media/tools.ts';
import { runImport, type ImportOptions } from './importer.ts';

let work: string;
let tools: MediaTools;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pretext-import-'));
  tools = await getMediaTools();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Fixture {
  root: string;
  db: WritableDB;
  thumbnails: string;
  run(options?: ImportOptions): Promise<ImportJobDto>;
  videos(): VideoDto[];
  byName(name: string): VideoDto | undefined;
}

function fixture(name: string): Fixture {
  const base = join(work, name);
  const root = join(base, 'videos');
  const thumbnails = join(base, 'thumbs');
  mkdirSync(root, { recursive: true });
  const db = openLibraryDatabase(join(base, 'lib.pretext'), { create: true });
  const videos = () => listVideos(db, { offset: 0, limit: 1000 }).items;
  return {
    root,
    db,
    thumbnails,
    run: (options = {}) => runImport({ db, tools, thumbnailDir: thumbnails, concurrency: 2 }, createJob(db, root), options),
    videos,
    byName: (fileName) => videos().find((video) => video.fileName === fileName),
  };
}

describe('runImport', () => {
  it('imports real clips with labels, lists every bad file with its reason, and finds duplicates', async () => {
    const f = fixture('mixed');
    await copySharedClip('ucf101_v_ApplyEyeMakeup_g01_c01.avi', join(f.root, 'ApplyEyeMakeup'));
    await copySharedClip('short_1s.mp4', join(f.root, 'Short Clips'));
    copyFileSync(join(f.root, 'Short Clips', 'short_1s.mp4'), join(f.root, 'Short Clips', 'vidéo 2 – copie.mp4'));
    await copySharedClip('ava_spatiotemporal_demo.mp4', f.root);
    const corrupt = await writeCorruptFixtures(join(f.root, 'broken'), tools);
    symlinkSync(f.root, join(f.root, 'broken', 'loop'));
    symlinkSync(join(f.root, 'gone.mp4'), join(f.root, 'dangling.mp4'));

    const progress: ImportProgress[] = [];
    const job = await f.run({ onProgress: (p) => progress.push(p), progressIntervalMs: 0 });

    expect(job.status).toBe('completed');
    expect(job).toMatchObject({ imported: 3, duplicates: 1, failed: corrupt.length + 1, missing: 0 });
    expect(job.found).toBe(4 + corrupt.length + 1);
    expect(job.processed).toBe(job.found);

    const avi = f.byName('ucf101_v_ApplyEyeMakeup_g01_c01.avi');
    expect(avi).toMatchObject({ status: 'ready', label: 'ApplyEyeMakeup', width: 320, height: 240, codec: 'mpeg4' });
    expect(avi?.fps).toBeCloseTo(25);
    expect(avi?.hasThumbnail).toBe(true);
    expect(f.byName('ava_spatiotemporal_demo.mp4')).toMatchObject({ status: 'ready', label: null });
    const copy = f.byName('vidéo 2 – copie.mp4');
    const original = f.byName('short_1s.mp4');
    expect(copy).toMatchObject({ status: 'duplicate', duplicateOfId: original?.id, label: 'Short Clips' });
    expect(original).toMatchObject({ status: 'ready', label: 'Short Clips' });

    const failures = listFailures(f.db, job.id);
    for (const bad of corrupt) {
      const failure = failures.find((item) => item.path === bad.path);
      expect(failure?.reason, bad.kind).toMatch(bad.expectedReason);
      expect(f.videos().find((video) => video.path === bad.path)).toMatchObject({ status: 'failed' });
    }
    expect(failures.find((item) => item.path.endsWith('dangling.mp4'))?.reason).toBe('unreadable: broken symbolic link');

    // Every ready row is complete: media facts and a thumbnail on disk; failed rows carry a reason.
    for (const video of f.videos()) {
      if (video.status === 'ready') expect(video.durationS).toBeGreaterThan(0);
      if (video.status === 'failed') expect(video.error).toBeTruthy();
    }
    const thumbnailFiles = readdirSync(f.thumbnails);
    expect(thumbnailFiles.filter((file) => file.endsWith('.jpg'))).toHaveLength(3);
    expect(thumbnailFiles.filter((file) => !file.endsWith('.jpg'))).toEqual([]);
    expect(progress[0]?.phase).toBe('scanning');
    expect(progress.at(-1)?.phase).toBe('finishing');
    expect(progress.some((p) => p.phase === 'importing' && p.currentFile !== null)).toBe(true);
  });

  it('re-imports incrementally: unchanged skipped, moved found by hash, removed marked missing, changed updated', async () => {
    const f = fixture('incremental');
    await copySharedClip('short_1s.mp4', join(f.root, 'A'));
    await copySharedClip('ava_spatiotemporal_demo.mp4', join(f.root, 'A'));
    await copySharedClip('test_clip.mp4', join(f.root, 'B'));
    const first = await f.run();
    expect(first).toMatchObject({ status: 'completed', imported: 3 });

    const again = await f.run();
    expect(again).toMatchObject({ imported: 0, unchanged: 3, updated: 0, moved: 0, missing: 0, failed: 0 });

    const movedId = f.byName('short_1s.mp4')?.id;
    mkdirSync(join(f.root, 'C'));
    renameSync(join(f.root, 'A', 'short_1s.mp4'), join(f.root, 'C', 'short_1s.mp4'));
    rmSync(join(f.root, 'B', 'test_clip.mp4'));
    copyFileSync(join(f.root, 'A', 'ava_spatiotemporal_demo.mp4'), join(f.root, 'A', 'tmp'));
    writeFileSync(join(f.root, 'A', 'ava_spatiotemporal_demo.mp4'), 'now a text file, not a video');
    const third = await f.run();
    expect(third).toMatchObject({ moved: 1, missing: 1, updated: 0, failed: 1, imported: 0 });
    expect(f.byName('short_1s.mp4')).toMatchObject({ id: movedId, label: 'C', status: 'ready' });
    expect(f.byName('test_clip.mp4')?.status).toBe('missing');
    expect(f.byName('ava_spatiotemporal_demo.mp4')).toMatchObject({ status: 'failed', error: 'not a video: it is a text file' });

    renameSync(join(f.root, 'A', 'tmp'), join(f.root, 'A', 'ava_spatiotemporal_demo.mp4'));
    const fourth = await f.run();
    expect(fourth).toMatchObject({ updated: 1, failed: 0 });
    expect(f.byName('ava_spatiotemporal_demo.mp4')?.status).toBe('ready');
  });

  it('cancels cleanly: finished files stay, no half rows, and the next run completes the rest', async () => {
    const f = fixture('cancel');
    for (const name of ['test_clip.mp4', 'kinetics_demo.mp4', 'structuralize_demo.mp4', 'short_1s.mp4']) {
      await copySharedClip(name, join(f.root, 'X'));
    }
    const controller = new AbortController();
    const job = await f.run({
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.counts.processed >= 1) controller.abort();
      },
    });
    expect(job.status).toBe('cancelled');
    const stored = f.videos();
    expect(stored.length).toBeLessThan(4);
    expect(stored.every((video) => video.status === 'ready' && video.hasThumbnail)).toBe(true);
    expect(job.missing).toBe(0);

    const rest = await f.run();
    expect(rest.status).toBe('completed');
    expect(rest.imported + rest.unchanged).toBe(4);
    expect(f.videos()).toHaveLength(4);
    expect(f.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('goes on when a folder disappears mid-import, recording those files as failures only', async () => {
    const f = fixture('vanish');
    await copySharedClip('short_1s.mp4', join(f.root, 'Stay'));
    await copySharedClip('ava_spatiotemporal_demo.mp4', join(f.root, 'Vanish'));
    await copySharedClip('test_clip.mp4', join(f.root, 'Vanish'));
    let removed = false;
    const job = await f.run({
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.phase === 'importing' && !removed) {
          removed = true;
          rmSync(join(f.root, 'Vanish'), { recursive: true });
        }
      },
    });
    expect(job.status).toBe('completed');
    expect(job).toMatchObject({ imported: 1, failed: 2 });
    expect(listFailures(f.db, job.id).map((failure) => failure.reason)).toEqual([
      'file disappeared during import',
      'file disappeared during import',
    ]);
    expect(f.videos().map((video) => video.fileName)).toEqual(['short_1s.mp4']);
  });

  it.skipIf(process.getuid?.() === 0)('lists an unreadable file with the reason (not testable as root)', async () => {
    const f = fixture('unreadable');
    const path = await copySharedClip('short_1s.mp4', f.root);
    const { chmodSync } = await import('node:fs');
    chmodSync(path, 0);
    const job = await f.run();
    expect(listFailures(f.db, job.id)[0]?.reason).toMatch(/^unreadable: EACCES/);
  });

  it('stops the whole job with a clear message when the library cannot store its data', async () => {
    const f = fixture('storage');
    for (const name of ['short_1s.mp4', 'ava_spatiotemporal_demo.mp4', 'test_clip.mp4']) {
      await copySharedClip(name, join(f.root, 'X'));
    }
    writeFileSync(f.thumbnails, 'a file where the thumbnail folder should be');
    const job = await f.run();
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^Import stopped: the library could not store its data \(.*\)\. .*Videos imported so far are kept\.$/);
    // Not blamed on the videos: no failed rows, no per-file failures.
    expect(f.videos()).toEqual([]);
    expect(listFailures(f.db, job.id)).toEqual([]);
    expect(f.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('keeps videos too short for a task, says which task presets cannot use them, and lists what it skipped', async () => {
    const f = fixture('short');
    const spec = { width: 64, height: 48, pattern: 'testsrc', codec: 'h264' } as const;
    await synthesizeVideo(tools, join(f.root, 'one-frame.mp4'), { ...spec, seconds: 0.04, fps: 25 });
    await synthesizeVideo(tools, join(f.root, 'slow.mp4'), { ...spec, seconds: 30, fps: 0.1 });
    await writeAviWithDamagedHeader(join(f.root, 'avi'), 'frame-count');
    mkdirSync(join(f.root, 'folder.mp4'));
    if (process.platform !== 'win32') execFileSync('mkfifo', [join(f.root, 'pipe.mp4')]);

    const job = await f.run();
    expect(job).toMatchObject({ status: 'completed', imported: 3 });
    const oneFrame = f.byName('one-frame.mp4');
    expect(oneFrame).toMatchObject({ status: 'ready', frameCount: 1 });
    expect(oneFrame?.tooShortFor).toEqual(tasksTooShortFor(oneFrame?.durationS ?? 0));
    expect(new Set(oneFrame?.tooShortFor.map((item) => item.task))).toEqual(new Set(TASK_IDS));
    expect(f.byName('slow.mp4')).toMatchObject({ status: 'ready', frameCount: 3, tooShortFor: [] });
    const avi = f.byName('damaged-frame-count.avi');
    expect(avi).toMatchObject({ status: 'ready', frameCount: 164 });
    expect(avi?.durationS).toBeCloseTo(6.56, 1);

    const skipped = listFailures(f.db, job.id);
    expect(skipped).toContainEqual({ path: join(f.root, 'folder.mp4'), reason: expect.stringMatching(/^skipped: a folder named like a video/) });
    if (process.platform !== 'win32') {
      expect(skipped).toContainEqual({ path: join(f.root, 'pipe.mp4'), reason: 'skipped: a named pipe (FIFO), not a video file' });
    }
  });

  it('fails the job with a clear error when the folder does not exist', async () => {
    const f = fixture('nofolder');
    rmSync(f.root, { recursive: true });
    const job = await f.run();
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/ENOENT/);
  });
});
