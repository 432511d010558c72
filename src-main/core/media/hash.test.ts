import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from './errors.ts';
import { contentHash, HASH_SAMPLE_BYTES, sampleRanges } from './hash.ts';
import { copySharedClip, SHARED_MEDIA_DIR } from './testing.ts';

const MiB = HASH_SAMPLE_BYTES;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pretext-hash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Varied bytes, so a sample taken at the wrong offset would hash differently. */
function patterned(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index += 1) bytes[index] = (index * 31 + (index >> 11)) & 0xff;
  return bytes;
}

async function hashOf(name: string, bytes: Buffer): Promise<string> {
  const filePath = path.join(dir, name);
  await writeFile(filePath, bytes);
  return contentHash(filePath);
}

function flipped(bytes: Buffer, offset: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[offset] = (copy[offset] ?? 0) ^ 0xff;
  return copy;
}

describe('contentHash', () => {
  it('gives a copy of a real clip the same s256: hash', async () => {
    const original = path.join(SHARED_MEDIA_DIR, 'test_clip.mp4');
    const copy = await copySharedClip('test_clip.mp4', dir);
    const hash = await contentHash(original);
    expect(hash).toMatch(/^s256:[0-9a-f]{64}$/);
    expect(await contentHash(copy)).toBe(hash);
  });

  it('hashes a small file whole: the size, then every byte', async () => {
    const bytes = patterned(100_000);
    const size = Buffer.alloc(8);
    size.writeBigUInt64BE(100_000n);
    const expected = createHash('sha256').update(size).update(bytes).digest('hex');
    expect(await hashOf('small.bin', bytes)).toBe(`s256:${expected}`);
    expect(await hashOf('small-changed.bin', flipped(bytes, 54_321))).not.toBe(`s256:${expected}`);
  });

  it('notices a changed byte in each sampled region of a large file, and only there', async () => {
    const bytes = patterned(5 * MiB + 123);
    const base = await hashOf('large.bin', bytes);
    const middleStart = Math.floor((bytes.length - MiB) / 2);
    expect(await hashOf('large-copy.bin', Buffer.from(bytes))).toBe(base);
    expect(await hashOf('large-head.bin', flipped(bytes, 10))).not.toBe(base);
    expect(await hashOf('large-middle.bin', flipped(bytes, middleStart + 500))).not.toBe(base);
    expect(await hashOf('large-tail.bin', flipped(bytes, bytes.length - 1))).not.toBe(base);
    // Between samples is not read: the price of hashing multi-GB files in constant time.
    expect(await hashOf('large-gap.bin', flipped(bytes, MiB + 1000))).toBe(base);
  });

  it('samples the first, middle and last MiB of large files', () => {
    expect(sampleRanges(3 * MiB)).toEqual([{ start: 0, length: 3 * MiB }]);
    expect(sampleRanges(10 * MiB)).toEqual([
      { start: 0, length: MiB },
      { start: 4.5 * MiB, length: MiB },
      { start: 9 * MiB, length: MiB },
    ]);
  });

  it('reports a missing file as a MediaError the library can show', async () => {
    const error = await contentHash(path.join(dir, 'gone.mp4')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).reason).toBe('file disappeared during import');
  });

  it('rejects with an AbortError when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(contentHash(path.join(SHARED_MEDIA_DIR, 'test_clip.mp4'), { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
