import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Produces `targetPath` so that readers see the old file or the complete new one, never a partial
 * one: `write` fills a temporary sibling, which is renamed into place (atomic on one file system)
 * or removed when anything fails.
 */
export async function writeAtomically(
  targetPath: string,
  write: (tempPath: string) => Promise<void>,
): Promise<void> {
  await mkdir(path.dirname(targetPath), { recursive: true });
  const tempPath = `${targetPath}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await write(tempPath);
    await rename(tempPath, targetPath);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
}
