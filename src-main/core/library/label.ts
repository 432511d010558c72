import { basename, dirname, relative, sep } from 'node:path';

/**
 * The class label of a video: the name of its parent folder (UCF101/HMDB51 layout `Class/video.avi`),
 * or null when the video sits directly in the imported folder.
 */
export function labelFor(root: string, filePath: string): string | null {
  const parent = dirname(filePath);
  const fromRoot = relative(root, parent);
  if (fromRoot === '' || fromRoot.startsWith('..') || fromRoot.split(sep).includes('..')) return null;
  return basename(parent);
}
