import { expect, test, type Locator, type Page } from '@playwright/test';
import { serveDemoLibrary, type DemoServer } from './serve.ts';

/** Random-init features of the 16 demo videos take seconds; a slow 2-core machine gets room. */
const EXTRACTION_TIMEOUT = 120_000;
/** How far apart (seconds into their spans) videos playing in sync may be. */
const SYNC_TOLERANCE_S = 0.3;

// One library and one set for all tests, in order: extract, retrieve and compare, evaluate.
test.describe.configure({ mode: 'serial' });

let server: DemoServer;

test.beforeAll(async () => {
  // Generating and importing 16 synthetic videos takes a while on a 2-core machine.
  test.setTimeout(300_000);
  server = await serveDemoLibrary('pretext-e2e-retrieve-');
});

test.afterAll(async () => {
  await server?.stop();
});

async function openTab(page: Page, tab: 'retrieve' | 'evaluate'): Promise<void> {
  await page.goto(server.url);
  await expect(page.getByTestId('library-header')).toContainText('lib.pretext');
  await page.getByTestId(`${tab}-tab`).click();
  await expect(page.getByTestId(`${tab}-tab`)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId(`${tab}-screen`)).toBeVisible();
}

/** What the checks read of a `<video>` (the e2e tsconfig has no DOM types). */
interface VideoElement {
  paused: boolean;
  currentTime: number;
  playbackRate: number;
  readyState: number;
  error: { message: string } | null;
}

/** Each compare video's state, its time measured from its clip's start. */
function videoStates(videos: Locator) {
  return videos.evaluateAll((elements) =>
    elements.map((element) => {
      const video = element as unknown as VideoElement;
      return {
        paused: video.paused,
        position: video.currentTime - Number(element.getAttribute('data-offset')),
        rate: video.playbackRate,
        error: video.error?.message ?? null,
      };
    }),
  );
}

/** A data attribute of every element. */
function attributes(locator: Locator, name: string): Promise<(string | null)[]> {
  return locator.evaluateAll((elements, attribute) => elements.map((e) => e.getAttribute(attribute)), name);
}

/** Waits until every compare video can play (decoded its first frames). */
async function untilPlayable(videos: Locator): Promise<void> {
  await expect
    .poll(() => videos.evaluateAll((elements) => elements.every((e) => (e as unknown as VideoElement).readyState >= 2)), {
      timeout: 20_000,
    })
    .toBe(true);
}

const spread = (values: number[]) => Math.max(...values) - Math.min(...values);

test('extracts random-init features for the demo library', async ({ page }) => {
  test.setTimeout(EXTRACTION_TIMEOUT + 60_000);
  await openTab(page, 'retrieve');
  await expect(page.getByTestId('feature-sets')).toContainText('No feature sets yet');
  // No runs in a fresh library: random init of the VCOP encoder at the tiny preset.
  await expect(page.getByTestId('extract-task')).toHaveValue('clip-order');
  await expect(page.getByTestId('extract-preset-tiny')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('extract-random').click();

  const set = page.getByTestId('feature-set');
  await expect(set).toHaveCount(1);
  await expect(set).toHaveAttribute('data-status', /extracting|ready/);
  await expect(set).toHaveAttribute('data-status', 'ready', { timeout: EXTRACTION_TIMEOUT });
  await expect(set).toHaveAttribute('data-random', 'true');
  await expect(set.getByTestId('feature-set-count')).toHaveText('16 videos');
  await expect(set.getByTestId('feature-set-missing')).toHaveCount(0);
  await expect(set).toHaveClass(/selected/);
  await expect(page.getByTestId('extraction-progress')).toHaveCount(0);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('ranks neighbours by score and plays the query next to two results in sync', async ({ page }) => {
  await openTab(page, 'retrieve');
  await expect(page.getByTestId('feature-set')).toHaveClass(/selected/);
  await page.locator('[data-testid="retrieve-screen"] [data-testid="video-card"]').first().click();

  const neighbours = page.getByTestId('neighbour');
  await expect(neighbours).toHaveCount(10);
  await expect(page.getByTestId('retrieval-query')).toBeVisible();
  expect(await attributes(neighbours, 'data-rank')).toEqual(Array.from({ length: 10 }, (_, i) => String(i + 1)));
  const scores = (await attributes(neighbours, 'data-score')).map(Number);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  for (const text of await page.getByTestId('neighbour-score').allTextContents()) expect(text).toMatch(/^-?\d\.\d{3}$/);
  // Every demo video is labelled: each result says whether it matches the query's label.
  const matches = await attributes(neighbours, 'data-same-label');
  expect(matches.every((m) => m === 'true' || m === 'false')).toBe(true);

  // Each result names the clip pair that matched best: query clip ↔ its clip, with their spans.
  await expect(page.getByTestId('neighbour-match')).toHaveCount(10);
  for (const text of await page.getByTestId('neighbour-match').allTextContents()) {
    expect(text.replace(/\s+/g, ' ')).toMatch(/^clip \d+ \d+\.\d\d–\d+\.\d\d s ↔ clip \d+ \d+\.\d\d–\d+\.\d\d s · -?\d\.\d{3}$/);
  }
  await page.getByTestId('retrieval-results').screenshot({ path: test.info().outputPath('matched-clip-list.png') });

  await neighbours.nth(0).getByTestId('neighbour-compare').check();
  await neighbours.nth(1).getByTestId('neighbour-compare').check();
  await expect(page.getByTestId('compare-count')).toContainText('2 / 4');
  await page.getByTestId('compare-open').click();

  const videos = page.getByTestId('compare-video');
  await expect(videos).toHaveCount(3);
  await expect(page.getByTestId('compare-unplayable')).toHaveCount(0);
  await untilPlayable(videos);

  // Every tile's timeline is scaled to its own video and marks the matched clips: the query's
  // timeline one mark per chosen result, each result's its own side of the pair.
  const timelines = page.getByTestId('clip-timeline');
  await expect(timelines).toHaveCount(3);
  const durations = (await attributes(timelines, 'data-duration')).map(Number);
  expect(durations.every((duration) => duration > 0)).toBe(true);
  await expect(timelines.nth(0).getByTestId('timeline-mark')).toHaveCount(2);
  await expect(timelines.nth(1).getByTestId('timeline-mark')).toHaveCount(1);
  await expect(timelines.nth(2).getByTestId('timeline-mark')).toHaveCount(1);
  for (const mark of await page.getByTestId('timeline-mark').all()) {
    await expect(mark).toBeVisible();
    const start = Number(await mark.getAttribute('data-start'));
    expect(Number(await mark.getAttribute('data-end'))).toBeGreaterThan(start);
  }
  // The shared scrub bar runs to the end of the longest video, not the query's.
  const span = Number(await page.getByTestId('compare-scrub').getAttribute('max'));
  expect(span).toBeCloseTo(Math.max(...durations), 1);
  await page.getByTestId('compare-panel').screenshot({ path: test.info().outputPath('matched-clip-spans.png') });

  await page.getByTestId('compare-play').click();
  await expect(page.getByTestId('compare-play')).toHaveAttribute('data-playing', 'true');
  await page.waitForTimeout(1500);
  const playing = await videoStates(videos);
  expect(playing.map((v) => v.error)).toEqual([null, null, null]);
  expect(playing.map((v) => v.paused)).toEqual([false, false, false]);
  expect(Math.min(...playing.map((v) => v.position))).toBeGreaterThan(0.5);
  expect(spread(playing.map((v) => v.position))).toBeLessThan(SYNC_TOLERANCE_S);

  await page.getByTestId('compare-play').click();
  await expect(page.getByTestId('compare-play')).toHaveAttribute('data-playing', 'false');
  const paused = await videoStates(videos);
  expect(paused.map((v) => v.paused)).toEqual([true, true, true]);
  expect(spread(paused.map((v) => v.position))).toBeLessThan(SYNC_TOLERANCE_S);

  await page.getByTestId('compare-speed').selectOption('0.5');
  expect((await videoStates(videos)).map((v) => v.rate)).toEqual([0.5, 0.5, 0.5]);
  await page.getByTestId('compare-play').click();
  await page.waitForTimeout(500);
  const slow = await videoStates(videos);
  expect(slow.map((v) => v.paused)).toEqual([false, false, false]);
  expect(slow.map((v) => v.rate)).toEqual([0.5, 0.5, 0.5]);
  expect(spread(slow.map((v) => v.position))).toBeLessThan(SYNC_TOLERANCE_S);

  await page.getByTestId('compare-close').click();
  await expect(page.getByTestId('compare-panel')).toHaveCount(0);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('compares clips from their own starts, over the query clip’s length', async ({ page }) => {
  await openTab(page, 'retrieve');
  await page.locator('[data-testid="retrieve-screen"] [data-testid="video-card"]').nth(1).click();
  await expect(page.getByTestId('neighbour')).toHaveCount(10);
  await page.getByTestId('retrieve-clip-toggle').check();
  await page.getByTestId('retrieve-clip').selectOption('4');
  await expect(page.getByTestId('retrieval-query')).toContainText(/\d\.\d\d–\d\.\d\d s/);
  // Each clip shows its own frame (the frame route at its middle), not the video's poster, and it loads.
  const pictures = page.locator('[data-testid="retrieval-query"] img, [data-testid="neighbour"] img');
  await expect(pictures).toHaveCount(11);
  for (const src of await attributes(pictures, 'src')) expect(src).toMatch(/\/media\/frame\/\d+\/\d+(\?|$)/);
  // Lazy images load once on screen: the query's and the first results' have decoded.
  const loaded = () => pictures.evaluateAll((images) => images.slice(0, 3).map((image) => (image as unknown as { naturalWidth: number }).naturalWidth > 0));
  await expect.poll(loaded, { timeout: 30_000 }).toEqual([true, true, true]);
  await page.getByTestId('retrieval-results').screenshot({ path: test.info().outputPath('clip-frame-thumbnails.png') });
  await page.getByTestId('neighbour').nth(0).getByTestId('neighbour-compare').check();
  await page.getByTestId('compare-open').click();

  const videos = page.getByTestId('compare-video');
  await expect(videos).toHaveCount(2);
  const offsets = (await attributes(videos, 'data-offset')).map(Number);
  // Clip 5 of 10 lies inside a 4 s video, after its start.
  expect(offsets[0]).toBeGreaterThan(0.5);
  const span = Number(await page.getByTestId('compare-scrub').getAttribute('max'));
  expect(span).toBeGreaterThan(0);
  expect(span).toBeLessThan(4);
  await untilPlayable(videos);

  // Plays to the end of the span and stops there, every video at its clip's end.
  await page.getByTestId('compare-play').click();
  await expect(page.getByTestId('compare-play')).toHaveAttribute('data-playing', 'false', { timeout: 10_000 });
  const ended = await videoStates(videos);
  expect(ended.map((v) => v.paused)).toEqual([true, true]);
  for (const video of ended) expect(Math.abs(video.position - span)).toBeLessThan(SYNC_TOLERANCE_S);
});

test('evaluates the random-init set as the baseline row, with a map of the library', async ({ page }) => {
  await openTab(page, 'evaluate');
  await expect(page.getByTestId('evaluate-set')).toHaveCount(1);
  await expect(page.getByTestId('evaluate-set')).toBeChecked();
  await page.getByTestId('evaluate-run').click();

  const rows = page.getByTestId('evaluation-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-random', 'true');
  await expect(rows.first().getByTestId('baseline-badge')).toHaveText(/baseline/i);
  for (const k of [1, 5, 10, 20, 50]) await expect(rows.first().locator(`td[data-k="${k}"]`)).toHaveText(/^\d{1,3}\.\d %$/);
  await expect(page.getByTestId('evaluation-split')).toHaveAttribute('data-kind', 'seeded');
  await expect(page.getByTestId('evaluation-split')).toContainText('4 labels');
  // What the figures rest on: 4 stratified queries (one per class) against 12 gallery videos.
  await expect(page.getByTestId('evaluation-query-count')).toHaveText('4 queries');
  await expect(page.getByTestId('evaluation-gallery-count')).toHaveText('12 train (gallery)');
  await expect(page.getByTestId('evaluation-few-queries')).toContainText('fewer than 20');
  await expect(rows.first().getByTestId('evaluation-protocol')).toHaveText(/^compact · \d+ px · 10 clips/);
  await expect(rows.first().locator('td[data-k="20"]')).toHaveAttribute('data-beyond-gallery', 'true');
  await expect(rows.first().locator('td[data-k="10"]')).toHaveAttribute('data-beyond-gallery', 'false');
  await page.getByTestId('classify-knn').click();
  await expect(page.getByTestId('classification-row')).toHaveCount(1);
  await expect(page.getByTestId('classification-top1')).toHaveText(/^\d{1,3}\.\d %$/);
  await page.getByTestId('evaluate-screen').screenshot({ path: test.info().outputPath('evaluation-counts.png') });

  await expect(page.getByTestId('map-point')).toHaveCount(16);
  await expect(page.getByTestId('map-legend-item')).toHaveCount(4);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});
