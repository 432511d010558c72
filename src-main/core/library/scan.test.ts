import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isVideoFileName, scanVideoFiles } from './scan.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pretext-scan-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function touch(path: string, content = 'x'): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

describe('scanVideoFiles', () => {
  it('finds videos recursively by extension, case-insensitive, skipping hidden entries', async () => {
    touch(join(root, 'Run', 'a.MP4'));
    touch(join(root, 'Run', 'notes.txt'));
    touch(join(root, 'Jump', 'deep', 'b.avi'));
    touch(join(root, '.hidden', 'c.mp4'));
    touch(join(root, '.d.mp4'));
    const { files, problems } = await scanVideoFiles(root);
    expect(files.map((file) => file.path)).toEqual([join(root, 'Jump', 'deep', 'b.avi'), join(root, 'Run', 'a.MP4')]);
    expect(problems).toEqual([]);
    expect(files[0]?.sizeBytes).toBe(1);
  });

  it('keeps non-ASCII and spaced names intact', async () => {
    const name = join(root, 'Très bien', 'vidéo 01 – 日本.mp4');
    touch(name);
    const { files } = await scanVideoFiles(root);
    expect(files.map((file) => file.path)).toEqual([name]);
  });

  it('ends on symbolic link loops and visits each real folder once', async () => {
    touch(join(root, 'A', 'a.mp4'));
    symlinkSync(root, join(root, 'A', 'loop'));
    symlinkSync(join(root, 'A'), join(root, 'alias'));
    const { files } = await scanVideoFiles(root);
    expect(files).toHaveLength(1);
  });

  it('reports broken links that look like videos and follows linked files', async () => {
    touch(join(root, 'real.mp4'));
    symlinkSync(join(root, 'nowhere.mp4'), join(root, 'broken.mp4'));
    symlinkSync(join(root, 'real.mp4'), join(root, 'linked.mp4'));
    const { files, problems } = await scanVideoFiles(root);
    expect(files.map((file) => file.path)).toEqual([join(root, 'linked.mp4'), join(root, 'real.mp4')]);
    expect(problems).toEqual([{ path: join(root, 'broken.mp4'), reason: 'unreadable: broken symbolic link' }]);
  });

  it.skipIf(process.platform === 'win32')('lists a FIFO named like a video as skipped, and never opens it', async () => {
    const fifo = join(root, 'x.mp4');
    execFileSync('mkfifo', [fifo]);
    symlinkSync(fifo, join(root, 'link-to-fifo.avi'));
    const { files, problems } = await scanVideoFiles(root);
    expect(files).toEqual([]);
    expect(problems).toEqual([
      { path: join(root, 'link-to-fifo.avi'), reason: 'skipped: a named pipe (FIFO), not a video file' },
      { path: fifo, reason: 'skipped: a named pipe (FIFO), not a video file' },
    ]);
  });

  it('lists a folder named like a video as skipped and still imports the videos inside it', async () => {
    touch(join(root, 'clip.mp4', 'inner.avi'));
    const { files, problems } = await scanVideoFiles(root);
    expect(files.map((file) => file.path)).toEqual([join(root, 'clip.mp4', 'inner.avi')]);
    expect(problems).toEqual([
      { path: join(root, 'clip.mp4'), reason: 'skipped: a folder named like a video (videos inside it are still imported)' },
    ]);
  });

  // macOS and Windows refuse such names; Linux file systems store any bytes.
  it.runIf(process.platform === 'linux')('says a file or folder name is not valid UTF-8 instead of "disappeared"', async () => {
    const latin1 = (name: string): Buffer => Buffer.concat([Buffer.from(`${root}/`), Buffer.from(name, 'latin1')]);
    writeFileSync(latin1('caf\xe9.mp4'), 'x');
    mkdirSync(latin1('d\xe9j\xe0'));
    writeFileSync(Buffer.concat([latin1('d\xe9j\xe0'), Buffer.from('/inside.mp4')]), 'x');
    touch(join(root, 'real \uFFFD.mp4'));
    const { files, problems } = await scanVideoFiles(root);
    expect(files.map((file) => file.path)).toEqual([join(root, 'real \uFFFD.mp4')]);
    const reason = 'skipped: its name is not valid UTF-8, so it cannot be passed to ffmpeg; rename it to import it';
    expect(problems).toEqual([
      { path: join(root, 'caf\uFFFD.mp4'), reason },
      { path: join(root, 'd\uFFFDj\uFFFD'), reason: `folder ${reason}` },
    ]);
  });

  it('fails for a root that does not exist', async () => {
    await expect(scanVideoFiles(join(root, 'missing'))).rejects.toThrow(/ENOENT/);
  });

  it('recognises the video extensions', () => {
    expect(['a.mkv', 'b.WEBM', 'c.mov', 'd.m4v'].every(isVideoFileName)).toBe(true);
    expect(['a.txt', 'b.jpg', 'mp4', 'c.mp4.part'].some(isVideoFileName)).toBe(false);
  });
});
