import { readdirSync, type Dirent } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openMemoryDatabase } from '../db/connection.ts';
import type { PipelineVideo } from '../frames/pipeline.ts';
import type { MediaTools } from '../media/tools.ts';
import { BUNDLE_FILES, exportRunBundle, motionFile, relativeToRoot } from './export-bundle.ts';

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

describe('motion files in a bundle', () => {
  it('hold per frame the score, then the grid cells, as little-endian float32', () => {
    const cells = { rows: 2, cols: 2, frameCount: 3, values: Float32Array.from({ length: 12 }, (_, i) => 10 + i) };
    const video = { ref: { id: 4 }, meta: { id: 4, frameCount: 3 }, motion: Float32Array.from([0.5, 1.5, 2.5]), cells } as unknown as PipelineVideo;
    const bytes = motionFile(video);
    const values = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(values).toEqual([0.5, 10, 11, 12, 13, 1.5, 14, 15, 16, 17, 2.5, 18, 19, 20, 21]);
  });

  it('say which video lacks motion', () => {
    const video = { ref: { id: 9 }, meta: { id: 9, frameCount: 1 }, motion: null, cells: null } as unknown as PipelineVideo;
    expect(() => motionFile(video)).toThrow(/video 9 has no motion scores/);
  });
});

describe('exporting a run', () => {
  it('says when the run does not exist', async () => {
    await expect(exportRunBundle(openMemoryDatabase(), {} as MediaTools, 42, '/nonexistent/bundle')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
