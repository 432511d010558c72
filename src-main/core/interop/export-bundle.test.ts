import { mkdtempSync, readdirSync, rmSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trainPreset } from '../../shared/training.ts';
import { openMemoryDatabase } from '../db/connection.ts';
import { createRun } from '../db/runs.ts';
import type { MediaTools } from '../media/tools.ts';
import { BUNDLE_FILES, exportRunBundle, relativeToRoot } from './export-bundle.ts';

describe('the bundle template', () => {
  it('lists every file of torch-bundle/, so none is left out of an export', () => {
    const folder = fileURLToPath(new URL('./torch-bundle/', import.meta.url));
    const files = (readdirSync(folder, { recursive: true, withFileTypes: true }) as Dirent[])
      .filter((entry) => entry.isFile() && !entry.parentPath.includes('__pycache__'))
      .map((entry) => `${entry.parentPath}/${entry.name}`.slice(folder.length).replace(/^\//, ''));
    expect(files.sort()).toEqual([...BUNDLE_FILES].sort());
  });
});

describe('video paths in a bundle', () => {
  it('are relative to the deepest import root that holds them', () => {
    const roots = ['/data', '/data/ucf', '/other'];
    expect(relativeToRoot('/data/ucf/Archery/v_1.avi', roots)).toEqual({ root: 1, path: 'Archery/v_1.avi' });
    expect(relativeToRoot('/data/hmdb/run/a.avi', roots)).toEqual({ root: 0, path: 'hmdb/run/a.avi' });
  });

  it('refuse a video under no root, and a root that only shares a prefix', () => {
    expect(() => relativeToRoot('/data2/a.avi', ['/data'])).toThrow(/\/data2\/a\.avi lies under no import root/);
  });
});

describe('exporting a run', () => {
  // Both are refused before any video is read, so no media tools are needed.
  const noTools = {} as MediaTools;

  it('refuses a run of a task the bundle does not implement, writing nothing', async () => {
    const db = openMemoryDatabase();
    const run = createRun(db, trainPreset('order-verification', 'alexnet', 'tiny'));
    const folder = join(mkdtempSync(join(tmpdir(), 'pretext-bundle-')), 'bundle');
    await expect(exportRunBundle(db, noTools, run.id, folder)).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/trains order-verification; bundles implement clip-order/),
    });
    expect(() => readdirSync(folder)).toThrow(/ENOENT/);
    rmSync(join(folder, '..'), { recursive: true, force: true });
  });

  it('says when the run does not exist', async () => {
    await expect(exportRunBundle(openMemoryDatabase(), noTools, 42, '/nonexistent/bundle')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
