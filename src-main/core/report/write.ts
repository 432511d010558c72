/** Where a report may be written: an .html file in an existing folder, replaced whole or not at all. */
import { lstat, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../shared/errors.ts';
import { writeAtomically } from '../media/atomic.ts';

/**
 * Refuses a target that is not an .html file name (so a slip never overwrites the library or a
 * video), that is a folder or anything but a regular file, or whose folder does not exist.
 */
export async function checkReportTarget(target: string): Promise<void> {
  if (!/\.html?$/i.test(target)) throw new ApiError('INVALID_INPUT', `${target}: a report is an .html file; name one ending in .html.`);
  const existing = await lstat(target).catch(() => null);
  if (existing && !existing.isFile()) {
    throw new ApiError('INVALID_INPUT', `${target} is ${existing.isDirectory() ? 'a folder' : 'not a regular file'}; name a new or existing .html file.`);
  }
  const folder = path.dirname(path.resolve(target));
  const parent = await stat(folder).catch(() => null);
  if (!parent) throw new ApiError('INVALID_INPUT', `The folder ${folder} does not exist; create it first.`);
  if (!parent.isDirectory()) throw new ApiError('INVALID_INPUT', `${folder} is not a folder.`);
}

/** Writes the report so that the file is either the old one or the whole new one. */
export async function writeReportFile(target: string, html: string): Promise<void> {
  await checkReportTarget(target);
  await writeAtomically(target, (temp) => writeFile(temp, html, { flag: 'wx' }));
}
