// The renderer's import floors as eslint.config.js writes them, checked on code linted under paths
// inside the real tree (nothing is written): each case is one import from one file.
import { describe, expect, it } from 'vitest';
import { importMessages, ruleMessages } from './lint-probe.js';

/** The no-restricted-imports messages for `source` imported from `file` (relative to the root). */
const restricted = (file, source) => importMessages('no-restricted-imports', file, source);

describe('renderer floors', () => {
  it('refuses an import from one feature into another', async () => {
    const messages = await restricted('src-renderer/src/retrieve/floor-probe.ts', '../train/runs-state.svelte.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('a renderer feature imports lib/ and shared types only');
  });

  it('refuses a feature importing the shell, and a Svelte component importing another feature', async () => {
    expect(await restricted('src-renderer/src/train/floor-probe.ts', '../shell/screens.ts')).toHaveLength(1);
    const component = `<script lang="ts">\n  import Grid from '../library/VideoGrid.svelte';\n</script>\n<Grid />\n`;
    expect(await ruleMessages('no-restricted-imports', 'src-renderer/src/retrieve/FloorProbe.svelte', component)).toHaveLength(1);
  });

  it('lets a feature import its own files, lib/ and shared types', async () => {
    const file = 'src-renderer/src/retrieve/floor-probe.ts';
    expect(await restricted(file, './retrieve-format.ts')).toEqual([]);
    expect(await restricted(file, '../lib/format.ts')).toEqual([]);
    expect(await restricted(file, '../lib/videos/library-state.svelte.ts')).toEqual([]);
    expect(await restricted(file, '@shared/dto.ts')).toEqual([]);
  });

  it('refuses shared code by a relative path: the renderer names it @shared/…', async () => {
    const messages = await restricted('src-renderer/src/retrieve/floor-probe.ts', '../../../src-main/shared/dto.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('@shared/');
    expect(await restricted('src-renderer/src/retrieve/floor-probe.test.ts', '../../../src-main/shared/dto.ts')).toHaveLength(1);
  });

  it('refuses lib/ importing a feature, but lets the shell compose them', async () => {
    expect(await restricted('src-renderer/src/lib/videos/floor-probe.ts', '../../train/run-format.ts')).toHaveLength(1);
    expect(await restricted('src-renderer/src/shell/floor-probe.ts', '../train/train-state.svelte.ts')).toEqual([]);
  });

  it('keeps the layer rule inside the features', async () => {
    const messages = await restricted('src-renderer/src/train/floor-probe.ts', '../../../src-main/core/studio.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('only through the contract');
  });

  it('lets only the UI tests build the real backend, through test-backend/ and never core directly', async () => {
    expect(await restricted('src-renderer/src/train/TrainScreen.test.ts', '../../../test-backend/real-api.ts')).toEqual([]);
    expect(await restricted('src-renderer/src/train/floor-probe.ts', '../../../test-backend/real-api.ts')).toHaveLength(1);
    const direct = await restricted('src-renderer/src/train/floor-probe.test.ts', '../../../src-main/core/api/dispatch.ts');
    expect(direct).toHaveLength(1);
    expect(direct[0]).toContain('only through test-backend/');
    expect(await restricted('src-renderer/src/retrieve/floor-probe.test.ts', '../train/runs-state.svelte.ts')).toHaveLength(1);
    expect(await restricted('test-backend/floor-probe.ts', '../src-main/core/api/dispatch.ts')).toEqual([]);
  });
});
