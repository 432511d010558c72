import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { folderCheckpointStore } from './checkpoint-store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-checkpoint-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (text: string) => new TextEncoder().encode(text);

describe('folder checkpoint store', () => {
  it('writes the files as the step folder and replaces an older one of that step', async () => {
    const store = folderCheckpointStore((step) => join(dir, 'runs', `step-${step}`));
    await store.save(4, { 'a.bin': bytes('old'), 'stale.bin': bytes('x') });
    expect(await store.save(4, { 'a.bin': bytes('new') })).toBe(join(dir, 'runs', 'step-4'));
    expect(readdirSync(join(dir, 'runs'))).toEqual(['step-4']);
    expect(readdirSync(join(dir, 'runs', 'step-4'))).toEqual(['a.bin']);
    expect(readFileSync(join(dir, 'runs', 'step-4', 'a.bin'), 'utf8')).toBe('new');
  });

  it('leaves no half checkpoint when a file cannot be written', async () => {
    const store = folderCheckpointStore((step) => join(dir, `step-${step}`));
    await expect(store.save(2, { 'a.bin': bytes('ok'), 'missing/b.bin': bytes('no folder') })).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
