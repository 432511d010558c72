/**
 * features.exportFiftyOne through the real handlers: the caller never names a path. The desktop
 * shell asks the user for a folder (dismissing it writes nothing); without a dialog (serve mode) the
 * files come back as a tar archive, and no path on the server is written.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FiftyOneExport } from '../../shared/dto.ts';
import type { Studio } from '../studio.ts';
import { dispatch } from './dispatch.ts';
import { createHandlers } from './handlers.ts';
import type { ShellCapabilities } from './shell.ts';
import { libraryWithLabelledSet } from './test-support.ts';


let dir: string;
let library: Studio;
let setId: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-fiftyone-api-'));
  ({ library, setId } = libraryWithLabelledSet(dir, 'four videos', ['a', 'a', 'b', 'b']));
});
afterEach(async () => {
  await library.close();
  rmSync(dir, { recursive: true, force: true });
});

async function exportWith(shell: ShellCapabilities, input: Record<string, unknown> = { setId }): Promise<FiftyOneExport> {
  const result = await dispatch(createHandlers(library, shell), 'features.exportFiftyOne', input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as FiftyOneExport;
}

describe('features.exportFiftyOne', () => {
  it('writes into the folder the user picked in the desktop dialog, and nothing when it is dismissed', async () => {
    const picked = join(dir, 'picked');
    const titles: (string | undefined)[] = [];
    expect(await exportWith({ pickFolder: async (title) => (titles.push(title), picked) })).toEqual({ kind: 'folder', folder: picked, videos: 4 });
    expect(readdirSync(picked).sort()).toEqual(['embeddings.npy', 'load_fiftyone.py', 'samples.json']);
    expect(titles[0]).toMatch(/FiftyOne/);
    const samples = JSON.parse(readFileSync(join(picked, 'samples.json'), 'utf8')) as { samples: { label: string; split: string }[] };
    expect(samples.samples.map((sample) => sample.label)).toEqual(['a', 'a', 'b', 'b']);
    expect(samples.samples.filter((sample) => sample.split === 'test')).toHaveLength(2);
    // A second export into the same folder would mix two: refused.
    await expect(exportWith({ pickFolder: async () => picked })).rejects.toThrow(/is not empty/);
    expect(await exportWith({ pickFolder: async () => null })).toEqual({ kind: 'cancelled' });
  });

  it('hands a tar archive back where there is no dialog (serve mode), writing nothing on the server', async () => {
    const before = readdirSync(dir).sort();
    const result = await exportWith({});
    expect(result).toMatchObject({ kind: 'archive', fileName: `pretext-fiftyone-set-${setId}.tar`, videos: 4 });
    expect(readdirSync(dir).sort()).toEqual(before);
    const archive = join(mkdtempSync(join(tmpdir(), 'pretext-fiftyone-tar-')), 'export.tar');
    writeFileSync(archive, Buffer.from((result as { base64: string }).base64, 'base64'));
    const listing = spawnSync('tar', ['tf', archive], { encoding: 'utf8' });
    expect(listing.stdout.trim().split('\n').sort()).toEqual(['embeddings.npy', 'load_fiftyone.py', 'samples.json'].map((name) => `pretext-fiftyone-set-${setId}/${name}`));
    rmSync(join(archive, '..'), { recursive: true, force: true });
  });

  it('takes no path from the caller, and says which set is missing', async () => {
    await expect(exportWith({}, { setId, folder: '/etc' })).rejects.toThrow(/folder/);
    await expect(exportWith({}, { setId: 99 })).rejects.toThrow(/No feature set 99/);
  });
});
