import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { serve, type Served } from './serve.ts';

const CLI = resolve(import.meta.dirname, '../bin/pretext.js');
const run = promisify(execFile);

let server: Served;
let work: string;

/** `pretext …` on the test library (JSON output, which the test does not need: the UI is checked). */
async function pretext(library: string, ...args: string[]): Promise<void> {
  await run(process.execPath, [CLI, ...args, '--library', library, '--json'], {
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}

test.beforeAll(async () => {
  // The demo library, two short runs with their features, a random-init baseline and two fine-tunes: minutes on 2 cores.
  test.setTimeout(600_000);
  work = mkdtempSync(join(tmpdir(), 'pretext-e2e-compare-'));
  const library = join(work, 'lib.pretext');
  await pretext(library, 'demo');
  for (const seed of ['1', '2']) await pretext(library, 'train', '--task', 'clip-order', '--steps', '4', '--seed', seed);
  for (const source of [['--run', '1'], ['--run', '2'], ['--run', 'random', '--like', '1']]) await pretext(library, 'extract', ...source);
  // Run 1 fine-tuned from its encoder and from random init (a few steps: the table is checked, not the numbers).
  for (const checkpoint of ['last', 'random']) await pretext(library, 'eval', '--method', 'finetune', '--run', '1', '--checkpoint', checkpoint, '--steps', '2');
  server = await serve(library);
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('compares two runs: curves, one table with random init, neighbours side by side, aligned maps', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('library-header')).toContainText('lib.pretext');
  await page.getByTestId('compare-tab').click();
  await expect(page.getByTestId('compare-screen')).toBeVisible();
  await expect(page.getByTestId('compare-run')).toHaveCount(2);
  await page.getByTestId('compare-run').nth(0).check();
  await page.getByTestId('compare-run').nth(1).check();

  // One chart per metric, a line per run and split, a legend entry per run.
  await expect(page.getByTestId('run-curves')).toHaveCount(2);
  await expect(page.getByTestId('run-curve-legend')).toHaveCount(4);
  await expect(page.locator('[data-testid="run-curves"][data-metric="loss"] [data-testid="run-curve"][data-split="train"]')).toHaveCount(2);

  // The same query's neighbours in each run's set, with scores.
  await expect(page.getByTestId('compare-neighbours')).toHaveCount(2);
  await expect(page.getByTestId('compare-neighbours').nth(0).getByTestId('compare-neighbour')).toHaveCount(5);
  await expect(page.getByTestId('compare-neighbours').nth(1).getByTestId('compare-score').first()).toHaveText(/^-?\d\.\d{3}$/);

  // Aligned maps: hovering a video on one rings it on the other.
  await expect(page.getByTestId('compare-map')).toHaveCount(2);
  const firstPoint = page.getByTestId('compare-map').nth(0).getByTestId('map-point').first();
  const videoId = await firstPoint.getAttribute('data-video-id');
  await firstPoint.hover();
  await expect(page.getByTestId('compare-map').nth(1).locator(`[data-testid="map-point"][data-video-id="${videoId}"]`)).toHaveAttribute(
    'data-highlighted',
    'true',
  );

  // One table: both runs and the random-init baseline.
  await page.getByTestId('compare-evaluate').click();
  await expect(page.getByTestId('evaluation-row')).toHaveCount(3);
  await expect(page.locator('[data-testid="evaluation-row"][data-random="true"]')).toHaveCount(1);
  await expect(page.getByTestId('classification-row')).toHaveCount(3);
  // The linear probe joins as a second classification table over the same three sets.
  await page.getByTestId('compare-linear').click();
  await expect(page.locator('[data-testid="classification-title"][data-method="linear"]')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('classification-row')).toHaveCount(6);
  // Run 1's two fine-tunes under it (not among the runs to pick), the random-init one marked.
  await expect(page.getByTestId('compare-finetune-row')).toHaveCount(2);
  await expect(page.locator('[data-testid="compare-finetune-row"][data-random="true"]')).toContainText('random init');

  await page.getByTestId('compare-screen').screenshot({ path: test.info().outputPath('compare-runs.png') });
});
