import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SHARED_MEDIA_DIR, writeCorruptFixtures } from '../src-main/core/media/testing.ts';
import { getMediaTools } from '../src-main/core/media/tools.ts';
import { serve, type Served } from './serve.ts';

let work: string;
let server: Served;
let videos: string;

test.beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pretext-e2e-'));
  videos = join(work, 'My Videos');
  const clips: Record<string, string[]> = {
    ApplyEyeMakeup: ['ucf101_v_ApplyEyeMakeup_g01_c01.avi'],
    Kinetics: ['kinetics_demo.mp4', 'test_clip.mp4'],
    'Très court': ['short_1s.mp4'],
  };
  for (const [label, files] of Object.entries(clips)) {
    mkdirSync(join(videos, label), { recursive: true });
    for (const file of files) copyFileSync(join(SHARED_MEDIA_DIR, file), join(videos, label, file));
  }
  const corrupt = await writeCorruptFixtures(join(work, 'broken'), await getMediaTools());
  mkdirSync(join(videos, 'Broken'));
  for (const kind of ['truncated-no-faststart', 'empty', 'text']) {
    const fixture = corrupt.find((item) => item.kind === kind)!;
    copyFileSync(fixture.path, join(videos, 'Broken', `${kind}.mp4`));
  }
  server = await serve(join(work, 'library.pretext'));
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('imports a folder, shows thumbnails, labels and failures, and re-imports incrementally', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('library-header')).toContainText('library.pretext');

  await page.getByTestId('import-folder-input').fill(videos);
  await page.getByTestId('import-start').click();
  const summary = page.getByTestId('import-summary');
  await expect(summary).toBeVisible();
  const count = (name: string) => summary.locator(`[data-count="${name}"] dd`);
  await expect(count('imported')).toHaveText('4');
  await expect(count('failed')).toHaveText('3');

  const failures = page.getByTestId('failure-item');
  await expect(failures).toHaveCount(3);
  await expect(failures.filter({ hasText: 'empty.mp4' })).toContainText('empty file (0 bytes)');
  await expect(failures.filter({ hasText: 'text.mp4' })).toContainText('not a video: it is a text file');
  await expect(failures.filter({ hasText: 'truncated-no-faststart.mp4' })).toContainText('truncated');

  const ready = page.locator('[data-testid="video-card"][data-status="ready"]');
  await expect(ready).toHaveCount(4);
  await expect(page.locator('[data-testid="video-card"][data-label="Très court"]')).toHaveCount(1);
  // Thumbnails really load through the media route.
  const thumbnail = ready.first().locator('img');
  await expect(thumbnail).toHaveJSProperty('complete', true);
  expect(await thumbnail.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);

  await page.getByTestId('label-filter').selectOption('Kinetics');
  await expect(page.getByTestId('video-card')).toHaveCount(2);
  await page.getByTestId('label-filter').selectOption({ index: 0 });
  await page.getByTestId('status-filter').selectOption('failed');
  await expect(page.getByTestId('video-card')).toHaveCount(3);
  await expect(page.locator('[data-testid="video-card"][data-status="failed"]').first()).toContainText(/empty|text|truncated/);
  await page.getByTestId('status-filter').selectOption({ index: 0 });

  // Second import of the same folder: nothing new, everything unchanged.
  await page.getByTestId('import-folder-input').fill(videos);
  await page.getByTestId('import-start').click();
  await expect(count('imported')).toHaveText('0');
  await expect(count('unchanged')).toHaveText('7');
  await expect(page.getByTestId('video-card')).toHaveCount(7);
});

test('shows a clear error for a folder that does not exist', async ({ page }) => {
  await page.goto(server.url);
  await page.getByTestId('import-folder-input').fill(join(work, 'no such folder'));
  await page.getByTestId('import-start').click();
  await expect(page.getByTestId('error-banner')).toContainText('Folder not found');
});

test('refuses the app without the token', async ({ page }) => {
  const response = await page.goto(server.url.replace(/\?token=.*/, ''));
  expect(response?.status()).toBe(401);
});
