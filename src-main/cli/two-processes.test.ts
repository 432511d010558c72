/**
 * One library, two real processes: a `pretext import` or `pretext train` holds a running job while
 * another process lists or opens the same library. The live job must survive; once its process is
 * killed with SIGKILL (no chance to clean up) the next opening for work closes it as interrupted.
 * ffmpeg and ffprobe are stand-ins that hang, so the job stays in flight as long as the test needs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, pretext } from './test-support.ts';
import { EventHub } from '../core/jobs/events.ts';
import { openLibraryDatabase } from '../core/db/connection.ts';
import { Studio } from '../core/studio.ts';

let work: string;
let owner: ChildProcess | null = null;

afterEach(() => {
  if (owner?.exitCode === null && owner.signalCode === null) process.kill(-(owner.pid as number), 'SIGKILL');
  owner = null;
  rmSync(work, { recursive: true, force: true });
});

/** ffmpeg/ffprobe that answer -version and then hang on any real work. */
function hangingTools(): NodeJS.ProcessEnv {
  const bin = join(work, 'bin');
  mkdirSync(bin);
  for (const tool of ['ffmpeg', 'ffprobe']) {
    writeFileSync(join(bin, tool), `#!/bin/sh\n[ "$1" = "-version" ] && { echo "${tool} version 9.9-hang"; exit 0; }\nexec sleep 600\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  return { ...process.env, FFMPEG_PATH: join(bin, 'ffmpeg'), FFPROBE_PATH: join(bin, 'ffprobe') };
}

/** Starts the CLI in its own process group (so SIGKILL also takes the hanging tools). */
function startOwner(env: NodeJS.ProcessEnv, ...args: string[]): ChildProcess {
  owner = spawn(process.execPath, [CLI, ...args], { env, detached: true, stdio: 'ignore' });
  return owner;
}

/** The status of `table`'s job `id` as stored (read through a plain connection, no job logic). */
function storedStatus(library: string, table: string, id = 1): string | undefined {
  const db = openLibraryDatabase(library);
  try {
    return (db.prepare(`SELECT status FROM ${table} WHERE id = ?`).get(id) as { status: string } | undefined)?.status;
  } finally {
    db.close();
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    if (condition()) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Opens the library for work in this (the test's) process, as the app does, and closes it again. */
async function openForWork(library: string): Promise<void> {
  const service = new Studio({ events: new EventHub() });
  service.open(library, false);
  await service.close();
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  process.kill(-(child.pid as number), 'SIGKILL');
  await exited;
}

describe('one library, two processes', () => {
  it('a running import survives other processes opening the library; a killed one is closed as interrupted', async () => {
    work = mkdtempSync(join(tmpdir(), 'pretext-two-import-'));
    const library = join(work, 'lib.pretext');
    mkdirSync(join(work, 'videos'));
    // An MP4 box header, so the file reaches ffprobe (which hangs).
    writeFileSync(join(work, 'videos', 'a.mp4'), Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypisom'), 0, 0, 2, 0]));
    const child = startOwner(hangingTools(), 'import', join(work, 'videos'), '--library', library);
    await until(() => {
      try {
        return storedStatus(library, 'import_jobs') === 'running';
      } catch {
        return false; // the library is still being created
      }
    }, 'the import to start');

    expect(pretext('list', '--library', library).status).toBe(0);
    await openForWork(library);
    expect(storedStatus(library, 'import_jobs')).toBe('running');

    await kill(child);
    expect(pretext('list', '--library', library).status).toBe(0);
    expect(storedStatus(library, 'import_jobs')).toBe('running'); // a listing changes no job state
    await openForWork(library);
    expect(storedStatus(library, 'import_jobs')).toBe('interrupted');
  }, 120_000);

  it('a training run keeps its Cancel while `pretext runs` looks at it, and is resumable once its process is killed', async () => {
    work = mkdtempSync(join(tmpdir(), 'pretext-two-train-'));
    const library = join(work, 'lib.pretext');
    const db = openLibraryDatabase(library, { create: true });
    db.prepare(
      `INSERT INTO videos (path, root, size_bytes, mtime_ms, content_hash, duration_s, fps, frame_count, label, status, imported_at, updated_at)
       VALUES (?, ?, 1, 1, 'h', 10, 25, 250, NULL, 'ready', 'now', 'now')`,
    ).run(join(work, 'a.mp4'), work);
    db.close();
    const child = startOwner(hangingTools(), 'train', '--task', 'clip-order', '--library', library);
    await until(() => storedStatus(library, 'training_runs') === 'running', 'the run to start');

    const runs = () => JSON.parse(pretext('runs', '--library', library, '--json').stdout) as { id: number; status: string }[];
    expect(runs()).toMatchObject([{ id: 1, status: 'running' }]);
    await openForWork(library);
    expect(storedStatus(library, 'training_runs')).toBe('running');

    await kill(child);
    // The listing tells the truth without writing it; the next opening for work records it.
    expect(runs()).toMatchObject([{ id: 1, status: 'interrupted' }]);
    expect(storedStatus(library, 'training_runs')).toBe('running');
    await openForWork(library);
    expect(storedStatus(library, 'training_runs')).toBe('interrupted');
  }, 120_000);
});
