import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tarArchive } from './tar.ts';

const work = mkdtempSync(join(tmpdir(), 'pretext-fiftyone-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the export archive (serve mode)', () => {
  const files = [
    { name: 'samples.json', bytes: new TextEncoder().encode('{"samples": []}\n') },
    { name: 'embeddings.npy', bytes: Uint8Array.from({ length: 1000 }, (_, i) => i % 251) },
    { name: 'empty.txt', bytes: new Uint8Array(0) },
  ];

  it('is whole 512-byte blocks: a header per file, its bytes padded, two zero blocks at the end', () => {
    const archive = tarArchive('export', files, 1_700_000_000);
    expect(archive.length % 512).toBe(0);
    expect(archive.length).toBe(512 + 512 + (512 + 1024) + 512 + 1024);
    expect(new TextDecoder().decode(archive.subarray(0, 19))).toBe('export/samples.json');
    expect(new TextDecoder().decode(archive.subarray(257, 263))).toBe('ustar\u0000');
    expect(archive.subarray(archive.length - 1024).every((byte) => byte === 0)).toBe(true);
  });

  it('unpacks with Python’s tarfile to the same files', () => {
    const file = join(work, 'export.tar');
    writeFileSync(file, tarArchive('export', files));
    const script = 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])';
    const run = spawnSync('python3', ['-c', script, file, join(work, 'out')], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    for (const { name, bytes } of files) expect(new Uint8Array(readFileSync(join(work, 'out', 'export', name)))).toEqual(bytes);
  });

  it('refuses a name a tar header cannot hold', () => {
    expect(() => tarArchive('x'.repeat(95), files)).toThrow(/too long for a tar header/);
  });
});
