/**
 * evaluation.report through the real handlers: the caller never names a path. The desktop shell asks
 * where to save (a dismissed dialog writes nothing, a name that is no .html file is refused); without a
 * dialog (serve mode, the browser) the HTML comes back and nothing is written on the server.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportExport } from '../../shared/dto.ts';
import type { Studio } from '../studio.ts';
import { dispatch } from './dispatch.ts';
import { createHandlers } from './handlers.ts';
import type { ShellCapabilities } from './shell.ts';
import { libraryWithLabelledSet } from './test-support.ts';

const SET_NAME = 'six labelled videos';

let dir: string;
let library: Studio;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-report-api-'));
  ({ library } = libraryWithLabelledSet(dir, SET_NAME, ['a', 'a', 'a', 'b', 'b', 'b']));
});
afterEach(async () => {
  await library.close();
  rmSync(dir, { recursive: true, force: true });
});

async function reportWith(shell: ShellCapabilities, input: Record<string, unknown> = {}): Promise<ReportExport> {
  const result = await dispatch(createHandlers(library, shell), 'evaluation.report', input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as ReportExport;
}

describe('evaluation.report', () => {
  it('hands the HTML back where there is no dialog, writing nothing on the server', async () => {
    const before = readdirSync(dir).sort();
    const result = await reportWith({}, { seed: 3, testFraction: 0.5 });
    if (result.kind !== 'html') throw new Error(`expected HTML, got ${result.kind}`);
    expect(result.fileName).toMatch(/^pretext-report-\d{4}-\d{2}-\d{2}\.html$/);
    expect(result.html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(result.html).toContain(SET_NAME);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('saves where the desktop dialog says, nothing when it is dismissed, and refuses a name that is no .html file', async () => {
    const target = join(dir, 'paper.html');
    const asked: string[] = [];
    expect(await reportWith({ pickSaveFile: async (_title, name) => (asked.push(name), target) })).toEqual({ kind: 'file', path: target });
    expect(asked[0]).toMatch(/^pretext-report-.*\.html$/);
    expect(readFileSync(target, 'utf8')).toContain(SET_NAME);

    const before = readdirSync(dir).sort();
    expect(await reportWith({ pickSaveFile: async () => null })).toEqual({ kind: 'cancelled' });
    await expect(reportWith({ pickSaveFile: async () => join(dir, 'lib.pretext') })).rejects.toThrow(/a report is an \.html file/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('refuses arguments it does not know (no path can be passed in)', async () => {
    await expect(reportWith({}, { out: '/tmp/x.html' })).rejects.toThrow(/out/);
  });
});
