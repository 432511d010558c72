import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { EventHub } from '../src-main/core/jobs/events.ts';
import { fillReportLibrary, HOSTILE } from '../src-main/core/report/test-support.ts';
import { Studio } from '../src-main/core/studio.ts';
import { serve, type Served } from './serve.ts';

let work: string;
let server: Served;

test.beforeAll(async () => {
  // A generated library: two runs (one named like an attack), a trained and a random-init set.
  work = mkdtempSync(join(tmpdir(), 'pretext-e2e-report-'));
  const library = join(work, 'lib.pretext');
  const studio = new Studio({ events: new EventHub() });
  studio.open(library, true);
  fillReportLibrary(studio.requireOpen().db);
  await studio.close();
  server = await serve(library);
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('saves the report from the Evaluate screen and opens it: tables, curves and maps, user text escaped', async ({ page, context }) => {
  test.setTimeout(180_000);
  await page.goto(server.url);
  await page.getByTestId('evaluate-tab').click();
  await expect(page.getByTestId('evaluate-screen')).toBeVisible();

  const downloaded = page.waitForEvent('download', { timeout: 150_000 });
  await page.getByTestId('report-button').click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toMatch(/^pretext-report-\d{4}-\d{2}-\d{2}\.html$/);
  await expect(page.getByTestId('report-saved')).toContainText('Downloaded pretext-report-');
  const file = join(work, 'report.html');
  await download.saveAs(file);

  const report = await context.newPage();
  // A script that ran would open a dialog: none may.
  const dialogs: string[] = [];
  report.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const requests: string[] = [];
  report.on('request', (request) => requests.push(request.url()));
  await report.goto(pathToFileURL(file).href);
  for (const table of ['retrieval', 'knn', 'linear']) {
    await expect(report.getByTestId(`report-table-${table}`).locator('tbody tr')).toHaveCount(2);
  }
  await expect(report.getByTestId('report-table-retrieval')).toContainText('vcop-reference');
  await expect(report.getByTestId('report-table-retrieval')).toContainText('compact');
  await expect(report.locator('svg.chart')).toHaveCount(2);
  await expect(report.locator('svg.chart line[data-guide="chance"]').first()).toBeAttached();
  await expect(report.locator('figure.map svg circle')).toHaveCount(48);
  await expect(report.locator('section.run').first().locator('h3')).toContainText(HOSTILE);
  await expect(report.getByTestId('report-versions')).toContainText('TensorFlow.js');
  expect(await report.locator('script').count()).toBe(0);
  expect(dialogs).toEqual([]);
  expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
  await report.screenshot({ path: test.info().outputPath('report.png'), fullPage: true });
});
