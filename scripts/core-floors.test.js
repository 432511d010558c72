// core's import floors as eslint.config.js writes them, checked on code linted under paths inside the
// real tree (nothing is written): each case is one import from one file.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The messages of the floor rule for `source` imported (as `kind`) from `file` (relative to the root). */
async function refusals(file, source, kind = 'import') {
  const code = `${kind} { thing } from '${source}';\nexport const used: unknown = ${kind === 'import' ? 'thing' : 'null as unknown as thing'};\n`;
  const [result] = await eslint.lintText(code, { filePath: `${root}/${file}` });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('core floors', () => {
  it('refuses db/ importing training/, and names what db/ may import', async () => {
    const messages = await refusals('src-main/core/db/floor-probe.ts', '../training/engine.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('core/db may import media, tasks, util');
  });

  it('refuses util/ importing anything of core, and media/ importing library/', async () => {
    expect(await refusals('src-main/core/util/floor-probe.ts', '../media/run.ts')).toHaveLength(1);
    expect(await refusals('src-main/core/util/floor-probe.ts', '../db/videos.ts')).toHaveLength(1);
    expect(await refusals('src-main/core/media/floor-probe.ts', '../library/library-files.ts')).toHaveLength(1);
  });

  it('refuses the studio to every service, from any depth', async () => {
    expect(await refusals('src-main/core/training/floor-probe.ts', '../studio.ts')).toHaveLength(1);
    expect(await refusals('src-main/core/db/migrations/floor-probe.ts', '../../studio.ts')).toHaveLength(1);
    expect(await refusals('src-main/core/api/floor-probe.ts', '../studio.ts')).toEqual([]);
  });

  it('lets a folder import its own files and the floors below it', async () => {
    expect(await refusals('src-main/core/training/floor-probe.ts', './engine.ts')).toEqual([]);
    expect(await refusals('src-main/core/training/floor-probe.ts', '../library/open-library.ts')).toEqual([]);
    expect(await refusals('src-main/core/frames/floor-probe.ts', '../util/abort.ts')).toEqual([]);
    expect(await refusals('src-main/core/jobs/floor-probe.ts', '../../shared/errors.ts')).toEqual([]);
  });

  it('lets models take types from training/, and nothing else', async () => {
    expect(await refusals('src-main/core/models/floor-probe.ts', '../training/engine.ts', 'import type')).toEqual([]);
    expect(await refusals('src-main/core/models/floor-probe.ts', '../training/engine.ts')).toHaveLength(1);
  });

  it('lets tests reach up', async () => {
    expect(await refusals('src-main/core/media/floor-probe.test.ts', '../studio.ts')).toEqual([]);
  });
});
