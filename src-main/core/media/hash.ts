/**
 * A content fingerprint for spotting duplicates and moved files.
 *
 * It is sampled on purpose: videos are often several GB, and hashing every byte of a whole dataset
 * on each import would be dominated by disk reads. The size plus the first, middle and last MiB
 * tell real-world videos apart (the header holds the codec setup and timestamps, the tail the
 * index), at a cost independent of file size. Files up to three samples long are hashed whole.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { MediaError, mediaErrorFromFs } from './errors.ts';
import { throwIfAborted } from '../util/abort.ts';

export const HASH_SAMPLE_BYTES = 1024 * 1024;
export const HASH_PREFIX = 's256:';

/** Where the samples start; one range covering the whole file when it is small. */
export function sampleRanges(sizeBytes: number): { start: number; length: number }[] {
  if (sizeBytes <= 3 * HASH_SAMPLE_BYTES) return [{ start: 0, length: sizeBytes }];
  const middle = Math.floor((sizeBytes - HASH_SAMPLE_BYTES) / 2);
  return [0, middle, sizeBytes - HASH_SAMPLE_BYTES].map((start) => ({ start, length: HASH_SAMPLE_BYTES }));
}

function sizePrefix(sizeBytes: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt(sizeBytes));
  return buffer;
}

/** Feeds exactly `length` bytes from `start` into the hash; a short read means the file changed. */
async function hashRange(
  handle: FileHandle,
  hash: Hash,
  range: { start: number; length: number },
  buffer: Buffer,
  signal: AbortSignal | undefined,
): Promise<void> {
  let done = 0;
  while (done < range.length) {
    throwIfAborted(signal, 'hashing');
    const wanted = Math.min(buffer.length, range.length - done);
    const { bytesRead } = await handle.read(buffer, 0, wanted, range.start + done);
    if (bytesRead === 0) throw new MediaError('file changed while it was being read (it got shorter)');
    hash.update(buffer.subarray(0, bytesRead));
    done += bytesRead;
  }
}

export async function contentHash(filePath: string, options: { signal?: AbortSignal } = {}): Promise<string> {
  throwIfAborted(options.signal, 'hashing');
  let handle: FileHandle | undefined;
  try {
    handle = await open(filePath, 'r');
    const { size } = await handle.stat();
    const hash = createHash('sha256').update(sizePrefix(size));
    const buffer = Buffer.alloc(Math.min(HASH_SAMPLE_BYTES, Math.max(size, 1)));
    for (const range of sampleRanges(size)) await hashRange(handle, hash, range, buffer, options.signal);
    return HASH_PREFIX + hash.digest('hex');
  } catch (error) {
    throw mediaErrorFromFs(error, filePath);
  } finally {
    await handle?.close();
  }
}
