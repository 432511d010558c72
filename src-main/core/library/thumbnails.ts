import { join } from 'node:path';

/** Thumbnails are named by content hash, so copies and moved files share one image. */
export function thumbnailFileName(contentHash: string): string {
  const hex = contentHash.replace(/^[a-z0-9]+:/, '');
  if (!/^[0-9a-f]+$/.test(hex)) throw new Error(`Unexpected content hash: ${contentHash}`);
  return `${hex}.jpg`;
}

export function thumbnailPath(thumbnailDir: string, contentHash: string): string {
  return join(thumbnailDir, thumbnailFileName(contentHash));
}
