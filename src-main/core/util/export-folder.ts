/** Where exports (a PyTorch bundle, a FiftyOne folder) may write. */
import { readdir } from 'node:fs/promises';
import { ApiError } from '../../shared/errors.ts';

/** A folder an export may write into: absent (it will be made) or empty, so two exports never mix. */
export async function assertEmptyFolder(folder: string): Promise<void> {
  const entries = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new ApiError('INVALID_INPUT', `${folder} cannot hold an export (${error.code ?? 'unreadable'}).`);
  });
  if (entries.length > 0) throw new ApiError('INVALID_INPUT', `${folder} is not empty; export into a new folder.`);
}
