import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUNDLE_FILES } from './export-bundle.ts';

describe('the bundle template', () => {
  it('lists every file of torch-bundle/, so none is left out of an export', () => {
    const folder = fileURLToPath(new URL('./torch-bundle/', import.meta.url));
    const files = (readdirSync(folder, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((entry) => entry.isFile() && !entry.parentPath.includes('__pycache__'))
      .map((entry) => `${entry.parentPath}/${entry.name}`.slice(folder.length).replace(/^\//, ''));
    expect(files.sort()).toEqual([...BUNDLE_FILES].sort());
  });
});
