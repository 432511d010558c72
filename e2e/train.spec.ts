import { expect, test, type Locator, type Page } from '@playwright/test';
import { serveDemoLibrary, type DemoServer } from './serve.ts';

/** Training on two CPU cores: preparing motion, a few dozen steps and validations take a while. */
const TRAINING_TIMEOUT = 180_000;

// The runs share one library and one trainer: the second test must not meet the first one's run.
test.describe.configure({ mode: 'serial' });

let server: DemoServer;

test.beforeAll(async () => {
  // Generating and importing 16 synthetic videos takes a while on a 2-core machine.
  test.setTimeout(300_000);
  server = await serveDemoLibrary('pretext-e2e-train-');
});

test.afterAll(async () => {
  await server?.stop();
});

async function openTrain(page: Page): Promise<void> {
  await page.goto(server.url);
  await expect(page.getByTestId('library-header')).toContainText('lib.pretext');
  await page.getByTestId('train-tab').click();
  await expect(page.getByTestId('train-tab')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('runs-list')).toBeVisible();
}

/** Types a value into a number field of the form and commits it (a change event). */
async function setParam(page: Page, key: string, value: string): Promise<void> {
  const input = page.getByTestId(`train-param-${key}`);
  await input.fill(value);
  await input.press('Enter');
  await input.blur();
  await expect(input).toHaveValue(value);
}

/** sequence-sorting / alexnet / tiny, with a short schedule. */
async function fillForm(page: Page, steps: number): Promise<void> {
  await page.getByTestId('train-task').selectOption('sequence-sorting');
  await expect(page.getByTestId('train-param-task.task')).toHaveValue('sequence-sorting');
  await expect(page.getByTestId('train-backbone').locator('option')).toHaveCount(1);
  await page.getByTestId('train-backbone').selectOption('alexnet');
  await page.getByTestId('train-preset-tiny').click();
  await expect(page.getByTestId('train-preset-tiny')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('train-param-steps')).toHaveValue('300');
  await setParam(page, 'steps', String(steps));
  await setParam(page, 'evaluateEvery', '10');
  await setParam(page, 'checkpointEvery', '10');
  await expect(page.getByTestId('train-preset-modified')).toContainText('3 changed');
  await expect(page.getByTestId('train-backend')).toHaveValue('auto');
}

/** Presses Train; resolves with the new run's list item (the list is newest first). */
async function startRun(page: Page): Promise<{ id: string; item: Locator }> {
  const before = await page.getByTestId('run-item').count();
  await expect(page.getByTestId('train-start')).toBeEnabled();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-item')).toHaveCount(before + 1);
  const id = (await page.getByTestId('run-item').first().getAttribute('data-run-id')) ?? '';
  expect(id).toMatch(/^\d+$/);
  const item = page.locator(`[data-testid="run-item"][data-run-id="${id}"]`);
  await expect(page.getByTestId('selected-run')).toHaveAttribute('data-run-id', id);
  return { id, item };
}

/** A numeric attribute, NaN while the element is absent (never waits for it to appear). */
const numberAttr = (locator: Locator, name: string) => async () =>
  (await locator.count()) === 0 ? Number.NaN : Number((await locator.getAttribute(name, { timeout: 5_000 })) ?? 'NaN');

/** The selected run's error message, if it shows one. */
async function runError(page: Page): Promise<string> {
  const error = page.getByTestId('run-error');
  return (await error.count()) > 0 ? ((await error.textContent()) ?? '') : '(no message)';
}

/**
 * Polls until `ready` holds; a run that fails meanwhile fails the test at once, with its error,
 * instead of after the whole timeout.
 */
async function until(page: Page, item: Locator, ready: () => Promise<boolean>, timeout = TRAINING_TIMEOUT): Promise<void> {
  let outcome = 'waiting' as 'waiting' | 'ready' | 'failed';
  await expect
    .poll(
      async () => {
        if ((await item.getAttribute('data-status')) === 'failed') return (outcome = 'failed');
        return (outcome = (await ready()) ? 'ready' : 'waiting');
      },
      { timeout, intervals: [250, 500, 1000] },
    )
    .not.toBe('waiting');
  if (outcome === 'failed') throw new Error(`The run failed: ${await runError(page)}`);
}

const hasStatus = (item: Locator, status: RegExp) => async () => status.test((await item.getAttribute('data-status')) ?? '');

test('trains a tiny sequence-sorting run to completion with live progress and curves', async ({ page }) => {
  test.setTimeout(TRAINING_TIMEOUT + 60_000);
  await openTrain(page);
  await expect(page.getByTestId('backend-report')).not.toHaveAttribute('data-selected', '');
  await fillForm(page, 20);

  const { item } = await startRun(page);
  await expect(item).toHaveAttribute('data-status', /running|completed|failed/);

  // Live: progress shows while it runs (preparing the videos takes a few seconds at least).
  const progress = page.getByTestId('train-progress');
  await until(page, item, async () => (await progress.count()) > 0 || (await item.getAttribute('data-status')) === 'completed');
  // The chart gets points (they stay once the run completes: the run's detail keeps them).
  const chart = page.getByTestId('metric-chart');
  await until(page, item, async () => (await numberAttr(chart, 'data-points')()) > 0);
  await until(page, item, hasStatus(item, /^completed$/));
  await expect(progress).toHaveCount(0);
  await expect(item.getByTestId('run-steps')).toContainText('20 / 20');

  // Train points at every step, validation at steps 10 and 20.
  await expect.poll(numberAttr(chart, 'data-train-points')).toBe(20);
  await expect.poll(numberAttr(chart, 'data-validation-points')).toBe(2);
  // Sequence sorting's chance line (1 of 12 orders) under the accuracy curves; no majority line.
  await expect(chart.locator('[data-testid="chart-guide"][data-kind="chance"]')).toContainText('chance 8.3');
  await expect(chart.locator('[data-testid="chart-guide"][data-kind="majority"]')).toHaveCount(0);
  await chart.screenshot({ path: test.info().outputPath('accuracy-chance-line.png') });

  // Checkpoints at 10 and 20, one of them the best.
  const checkpoints = page.getByTestId('checkpoint-row');
  await expect(checkpoints).toHaveCount(2);
  await expect(checkpoints.nth(0)).toHaveAttribute('data-step', '10');
  await expect(checkpoints.nth(1)).toHaveAttribute('data-step', '20');
  await expect(page.locator('[data-testid="checkpoint-row"][data-best="true"]')).toHaveCount(1);

  // The full config on demand.
  const config = page.getByTestId('run-config');
  await config.locator('summary').click();
  await expect(config.locator('pre')).toBeVisible();
  await expect(config.locator('pre')).toContainText('"steps": 20');
  await expect(config.locator('pre')).toContainText('"task": "sequence-sorting"');
  await expect(config.locator('pre')).toContainText('"backbone": "alexnet"');

  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('shows progress while training, cancels a longer run and resumes it from its checkpoint', async ({ page }) => {
  test.setTimeout(2 * TRAINING_TIMEOUT + 60_000);
  await openTrain(page);
  await fillForm(page, 5000);

  const { id, item } = await startRun(page);
  const progress = page.getByTestId('train-progress');
  await until(page, item, async () => (await progress.count()) > 0);
  await expect(item).toHaveAttribute('data-status', 'running');
  await expect(progress).toHaveAttribute('data-phase', /preparing|training|evaluating|checkpointing/);
  await expect(progress).toHaveAttribute('data-run-id', id);

  // Past the first checkpoint (step 10), so the resume has one to continue from.
  await until(page, item, async () => (await numberAttr(progress, 'data-step')()) > 12);
  await expect(progress).toContainText('steps/s');
  await expect(page.getByTestId('metric-chart')).not.toHaveAttribute('data-points', '0');

  await item.getByTestId('train-cancel').click();
  await expect(item).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await expect(page.getByTestId('train-progress')).toHaveCount(0);
  await expect(page.getByTestId('checkpoint-row').first()).toBeVisible();

  const resume = item.getByTestId('run-resume');
  await expect(resume).toBeEnabled();
  await resume.click();
  await expect(item).toHaveAttribute('data-status', /running|completed/);
  await expect(page.getByTestId('selected-run')).toHaveAttribute('data-run-id', id);
  // It continues from its checkpoint, not from step 0.
  await until(page, item, async () => (await progress.count()) > 0);
  const from = await numberAttr(progress, 'data-step')();
  expect(from).toBeGreaterThanOrEqual(10);
  // And trains on.
  await until(page, item, async () => (await numberAttr(progress, 'data-step')()) > from);

  // Leave the trainer idle for the server's shutdown.
  await item.getByTestId('train-cancel').click();
  await expect(item).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});
