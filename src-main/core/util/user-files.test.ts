import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPseudoFilesystemPath, readFileHeadSync, readTextFile } from './user-files.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-user-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readTextFile', () => {
  it('reads a regular file, through a link too', async () => {
    writeFileSync(join(dir, 'list.txt'), 'a.mp4\n');
    symlinkSync(join(dir, 'list.txt'), join(dir, 'link.txt'));
    expect(await readTextFile(join(dir, 'list.txt'), 100)).toBe('a.mp4\n');
    expect(await readTextFile(join(dir, 'link.txt'), 100)).toBe('a.mp4\n');
  });

  it('refuses a file over the cap without reading it, and a huge sparse one at once', async () => {
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(101));
    await expect(readTextFile(join(dir, 'big.txt'), 100)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/too large/) });
    writeFileSync(join(dir, 'huge.txt'), '');
    truncateSync(join(dir, 'huge.txt'), 32 * 1024 ** 3);
    await expect(readTextFile(join(dir, 'huge.txt'), 100)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses FIFOs (without waiting for a writer), devices, /proc and folders; a missing file is NOT_FOUND', async () => {
    const fifo = join(dir, 'list.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const path of [fifo, '/dev/zero', '/proc/self/environ', dir]) {
      await expect(readTextFile(path, 1024), path).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/Not a regular file/) });
    }
    await expect(readTextFile(join(dir, 'nope.txt'), 1024)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(() => readFileHeadSync(fifo, 16)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('isPseudoFilesystemPath', () => {
  it('names /proc, /sys and /dev and nothing beside them', () => {
    expect(['/proc', '/proc/1/environ', '/sys/kernel', '/dev/zero'].map(isPseudoFilesystemPath)).toEqual([true, true, true, true]);
    expect(['/', '/procedures', '/home/dev', '/devices/x'].map(isPseudoFilesystemPath)).toEqual([false, false, false, false]);
  });
});
