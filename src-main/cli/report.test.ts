/** `pretext report` as a user runs it, on a generated library with runs and feature sets. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventHub } from '../core/jobs/events.ts';
import { fillReportLibrary, HOSTILE } from '../core/report/test-support.ts';
import { Studio } from '../core/studio.ts';
import { pretext } from './test-support.ts';

let work: string;
let library: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pretext-cli-report-'));
  library = join(work, 'lib.pretext');
  const studio = new Studio({ events: new EventHub() });
  studio.open(library, true);
  fillReportLibrary(studio.requireOpen().db);
  await studio.close();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pretext report', () => {
  it('writes one self-contained HTML file with the three tables, the curves and the maps', () => {
    const out = join(work, 'report.html');
    const result = pretext('report', '--library', library, '--out', out, '--split-seed', '2', '--json');
    expect(result.status, result.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(JSON.parse(result.stdout)).toEqual({ file: out, bytes: Buffer.byteLength(html) });
    expect(html).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
    for (const table of ['retrieval', 'knn', 'linear']) expect(html).toContain(`data-testid="report-table-${table}"`);
    expect(html).toContain('seed 2, test fraction 0.3');
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/<script/i);
    // Nothing but the report is left beside it (the temporary file was renamed into place).
    expect(readdirSync(work).filter((name) => name.includes('.tmp-'))).toEqual([]);
  }, 120_000);

  it('refuses bad --out paths with a clear message before evaluating, and leaves every file as it was', () => {
    const before = readFileSync(library);
    const notHtml = pretext('report', '--library', library, '--out', library);
    expect(notHtml.status).not.toBe(0);
    expect(notHtml.stderr).toMatch(/a report is an \.html file/);
    expect(readFileSync(library).equals(before)).toBe(true);

    mkdirSync(join(work, 'taken.html'));
    expect(pretext('report', '--library', library, '--out', join(work, 'taken.html')).stderr).toMatch(/is a folder/);
    const missing = join(work, 'no-such-folder', 'r.html');
    expect(pretext('report', '--library', library, '--out', missing).stderr).toMatch(/does not exist; create it first/);
    expect(existsSync(join(work, 'no-such-folder'))).toBe(false);
    writeFileSync(join(work, 'plain'), 'keep');
    expect(pretext('report', '--library', library, '--out', join(work, 'plain', 'r.html')).stderr).toMatch(/is not a folder/);
    expect(readFileSync(join(work, 'plain'), 'utf8')).toBe('keep');

    const noOut = pretext('report', '--library', library);
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toMatch(/--out FILE\.html is required/);
  }, 120_000);
});
