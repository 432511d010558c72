import { expect, test, type Page } from '@playwright/test';
import { serveDemoLibrary, type DemoServer } from './serve.ts';

/** What each task's `tiny` preset samples: elements, frames in all, classes. */
const TASKS = {
  'order-verification': { elements: 3, frames: 3, classes: 2 },
  'sequence-sorting': { elements: 4, frames: 4, classes: 12 },
  'odd-one-out': { elements: 4, frames: 12, classes: 4 },
  'clip-order': { elements: 3, frames: 12, classes: 6 },
} as const;

let server: DemoServer;

test.beforeAll(async () => {
  // Generating and importing 16 synthetic videos takes a while on a 2-core machine.
  test.setTimeout(300_000);
  server = await serveDemoLibrary('pretext-e2e-preview-');
});

test.afterAll(async () => {
  await server?.stop();
});

async function openPreview(page: Page): Promise<void> {
  await page.goto(server.url);
  await expect(page.getByTestId('library-header')).toContainText('lib.pretext');
  await page.getByTestId('preview-tab').click();
  await expect(page.getByTestId('task-option')).toHaveCount(4);
}

/** Picks a task with its tiny preset and samples again; resolves once that sample is on screen. */
async function sampleTiny(page: Page, task: keyof typeof TASKS): Promise<void> {
  await page.locator(`[data-testid="task-option"][data-task="${task}"]`).click();
  await page.getByTestId('preset-tiny').click();
  await expect(page.getByTestId('param-frameSize.width')).toHaveValue('64');
  const seed = Number(await page.getByTestId('preview-seed').inputValue());
  await page.getByTestId('preview-sample').click();
  const view = page.getByTestId('preview-view');
  await expect(view).toHaveAttribute('data-task', task);
  await expect(view).toHaveAttribute('data-seed', String(seed + 1));
  await expect(view).toHaveAttribute('aria-busy', 'false');
}

for (const [task, expected] of Object.entries(TASKS) as [keyof typeof TASKS, (typeof TASKS)[keyof typeof TASKS]][]) {
  test(`previews ${task} (tiny) on demo footage`, async ({ page }) => {
    await openPreview(page);
    await sampleTiny(page, task);

    const elements = page.getByTestId('preview-element');
    await expect(elements).toHaveCount(expected.elements);
    for (let i = 0; i < expected.elements; i++) {
      await expect(elements.nth(i)).toHaveAttribute('data-index', String(i));
    }

    const frames = page.getByTestId('preview-frame');
    await expect(frames).toHaveCount(expected.frames);
    // Every frame image really decodes (the backend sends PNG data URLs).
    await expect
      .poll(() =>
        frames.evaluateAll((images) =>
          images.every((img) => {
            const image = img as unknown as { complete: boolean; naturalWidth: number };
            return image.complete && image.naturalWidth > 0;
          }),
        ),
      )
      .toBe(true);
    const indices = await frames.evaluateAll((images) => images.map((img) => img.getAttribute('data-frame')));
    expect(indices.every((value) => value !== null && /^\d+$/.test(value))).toBe(true);

    await expect(page.getByTestId('preview-label')).toContainText(new RegExp(`class \\d+ of ${expected.classes}\\b`));
    await expect(page.getByTestId('motion-curve')).toBeVisible();
    await expect(page.getByTestId('preview-video-counts')).toContainText(/usable/);
    if (task === 'clip-order') await expect(page.getByTestId('clip-player')).toHaveCount(expected.elements);

    await expect(page.getByTestId('preview-truth')).toHaveCount(0);
    await page.getByTestId('preview-reveal').click();
    const truth = page.getByTestId('preview-truth');
    await expect(truth).toBeVisible();
    await expect(truth).not.toBeEmpty();
    if (task === 'odd-one-out') await expect(page.locator('[data-testid="preview-element"].odd')).toHaveCount(1);
    if (task === 'sequence-sorting' || task === 'clip-order') {
      await expect(page.getByTestId('preview-element-truth')).toHaveCount(expected.elements);
    }
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
  });
}

test('samples from a chosen video and reports a bad parameter', async ({ page }) => {
  await openPreview(page);
  await sampleTiny(page, 'order-verification');

  const select = page.getByTestId('preview-video-select');
  const option = select.locator('option').nth(3);
  const label = (await option.textContent()) ?? '';
  const fileName = label.split(' · ')[0]!.trim();
  await select.selectOption({ index: 3 });
  await expect(page.getByTestId('preview-view').locator('h2')).toContainText(fileName);
  await expect(page.getByTestId('preview-view')).toHaveAttribute('aria-busy', 'false');

  // A crop larger than the decoded frame: the schema's INVALID_INPUT, on the field and in the banner.
  await page.getByTestId('param-cropSize').fill('100');
  await page.getByTestId('param-cropSize').press('Enter');
  await page.getByTestId('param-cropSize').blur();
  await expect(page.getByTestId('error-banner')).toContainText('cropSize');
  await expect(page.getByTestId('param-cropSize')).toHaveAttribute('aria-invalid', 'true');

  await page.getByTestId('preset-reset').click();
  await expect(page.getByTestId('param-cropSize')).toHaveValue('40');
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});
