// The desktop app itself, driven through Playwright's Electron support: the same library flow as
// library.spec.ts, plus the security properties only a real Electron can show. Needs the Electron
// binary; where it was never downloaded every test here is skipped, saying why.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { SHARED_MEDIA_DIR } from '../src-main/core/media/testing.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ELECTRON_SQLITE_BINDING = join(ROOT, 'node_modules/.pretext-electron/better_sqlite3.node');

/** ELECTRON_EXEC_PATH, else what the electron package names (it honours ELECTRON_OVERRIDE_DIST_PATH). */
function findElectron(): { path: string } | { missing: string } {
  const explicit = process.env.ELECTRON_EXEC_PATH;
  if (explicit) {
    return existsSync(explicit) ? { path: explicit } : { missing: `ELECTRON_EXEC_PATH=${explicit} does not exist` };
  }
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { missing: `the electron package names ${String(path)}, which does not exist` };
  } catch (error) {
    return { missing: `require('electron') failed: ${(error as Error).message}` };
  }
}

const found = findElectron();
test.skip(
  'missing' in found,
  `Electron binary not installed on this machine: ${'missing' in found ? found.missing : ''}. ` +
    'npm skips its download offline (or with ELECTRON_SKIP_BINARY_DOWNLOAD=1); set ELECTRON_EXEC_PATH or ' +
    'ELECTRON_OVERRIDE_DIST_PATH, or reinstall electron with network access, to run these tests.',
);
test.describe.configure({ mode: 'serial' });

let work: string;
let videos: string;
let userData: string;
let library: string;
let app: ElectronApplication;
let page: Page;

test.beforeAll(async () => {
  if (!existsSync(join(ROOT, 'out/main/index.js'))) throw new Error('Build the app first: npm run build');
  const native = spawnSync(process.execPath, [join(ROOT, 'scripts/electron-native.js')], { stdio: 'inherit' });
  if (native.status !== 0) throw new Error('scripts/electron-native.js could not prepare better-sqlite3 for Electron');

  work = mkdtempSync(join(tmpdir(), 'pretext-e2e-electron-'));
  userData = join(work, 'user data');
  library = join(work, 'library.pretext');
  videos = join(work, 'My Videos');
  mkdirSync(join(videos, 'Kinetics'), { recursive: true });
  mkdirSync(join(videos, 'Short'), { recursive: true });
  copyFileSync(join(SHARED_MEDIA_DIR, 'kinetics_demo.mp4'), join(videos, 'Kinetics', 'kinetics_demo.mp4'));
  copyFileSync(join(SHARED_MEDIA_DIR, 'short_1s.mp4'), join(videos, 'Short', 'short_1s.mp4'));
  writeFileSync(join(videos, 'Short', 'notes.mp4'), 'not a video');

  const env: Record<string, string | undefined> = {
    ...process.env,
    PRETEXT_USER_DATA: userData,
    PRETEXT_LIBRARY: library,
    PRETEXT_SQLITE_BINDING: ELECTRON_SQLITE_BINDING,
  };
  delete env.ELECTRON_RENDERER_URL;
  delete env.ELECTRON_RUN_AS_NODE;
  app = await electron.launch({
    executablePath: (found as { path: string }).path,
    // Chromium's OS sandbox cannot start as root (CI containers); the page still gets no Node (sandbox: true).
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT],
    env: env as Record<string, string>,
  });
  page = await app.firstWindow();
});

test.afterAll(async () => {
  if (app && app.process().exitCode === null) await app.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('loads the UI from the app scheme, never file://', async () => {
  await expect(page).toHaveURL('pretext-app://studio/index.html');
  await expect(page.getByTestId('library-header')).toContainText('library.pretext');
});

test('isolates the page from Node: no require or process; window.pretext has only invoke and subscribe', async () => {
  const surface = await page.evaluate(() => {
    const globals = globalThis as unknown as Record<string, unknown>;
    const bridge = globals.pretext as Record<string, unknown>;
    return {
      require: typeof globals.require,
      process: typeof globals.process,
      module: typeof globals.module,
      bridge: Object.keys(bridge).sort(),
      frozen: Object.isFrozen(bridge),
    };
  });
  expect(surface).toEqual({
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    bridge: ['invoke', 'subscribe'],
    frozen: true,
  });
});

test('imports a folder and shows thumbnails through the media scheme', async () => {
  await page.getByTestId('import-folder-input').fill(videos);
  await page.getByTestId('import-start').click();
  const summary = page.getByTestId('import-summary');
  await expect(summary.locator('[data-count="imported"] dd')).toHaveText('2');
  await expect(summary.locator('[data-count="failed"] dd')).toHaveText('1');
  const ready = page.locator('[data-testid="video-card"][data-status="ready"]');
  await expect(ready).toHaveCount(2);
  const thumbnail = ready.first().locator('img');
  await expect(thumbnail).toHaveAttribute('src', /^pretext-media:\/\/thumbnail\/\d+$/);
  const width = () => thumbnail.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
  await expect.poll(width).toBeGreaterThan(0);
});

test('extracts features in the bundled extraction worker and ranks a neighbour', async () => {
  await page.getByTestId('retrieve-tab').click();
  await expect(page.getByTestId('retrieve-screen')).toBeVisible();
  await page.getByTestId('extract-random').click();
  const set = page.getByTestId('feature-set');
  await expect(set).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  await expect(set.getByTestId('feature-set-count')).toHaveText('2 videos');
  await page.locator('[data-testid="retrieve-screen"] [data-testid="video-card"]').first().click();
  await expect(page.getByTestId('neighbour')).toHaveCount(1);
  await page.getByTestId('library-tab').click();
});

test('streams videos with Range and refuses media or app paths outside the library and the UI', async () => {
  const statuses = await app.evaluate(async ({ net }, urls) => {
    const answers: Record<string, number> = {};
    for (const url of urls) answers[url] = (await net.fetch(url, { headers: { range: 'bytes=0-9' } })).status;
    return answers;
  }, [
    'pretext-media://video/1',
    'pretext-media://video/..%2f..%2fetc%2fpasswd',
    'pretext-media://video/1/../../../etc/passwd',
    'pretext-media://file/1',
    'pretext-media://video/999999',
    'pretext-app://studio/%2e%2e%2f%2e%2e%2fpackage.json',
    'pretext-app://studio/../../package.json',
    'pretext-app://elsewhere/index.html',
  ]);
  expect(statuses).toEqual({
    'pretext-media://video/1': 206,
    'pretext-media://video/..%2f..%2fetc%2fpasswd': 404,
    'pretext-media://video/1/../../../etc/passwd': 404,
    'pretext-media://file/1': 404,
    'pretext-media://video/999999': 404,
    'pretext-app://studio/%2e%2e%2f%2e%2e%2fpackage.json': 404,
    'pretext-app://studio/../../package.json': 404,
    'pretext-app://elsewhere/index.html': 404,
  });
});

test('keeps remote content, local files and injected scripts out of the page', async () => {
  const outcome = await page.evaluate(async () => {
    const globals = globalThis as unknown as {
      document: { createElement(tag: string): { textContent: string }; body: { append(node: unknown): void } };
      injected?: boolean;
    };
    const script = globals.document.createElement('script');
    script.textContent = 'window.injected = true';
    globals.document.body.append(script);
    const attempt = (url: string) => fetch(url).then(() => 'fetched', () => 'blocked');
    return {
      injected: globals.injected ?? false,
      remote: await attempt('https://example.com/'),
      file: await attempt('file:///etc/hostname'),
    };
  });
  expect(outcome).toEqual({ injected: false, remote: 'blocked', file: 'blocked' });
});

test('refuses navigation away from the app and new windows', async () => {
  const popupRefused = await page.evaluate(() => {
    const globals = globalThis as unknown as { open(url: string): unknown; location: { href: string } };
    // http, not https: an https link would (rightly) open in the test machine's browser.
    const popup = globals.open('http://example.com/');
    globals.location.href = 'https://example.com/';
    return popup === null;
  });
  expect(popupRefused).toBe(true);
  // A navigation that got through would have replaced the page by now.
  await page.waitForTimeout(1000);
  await expect(page).toHaveURL('pretext-app://studio/index.html');
  await expect(page.getByTestId('library-header')).toBeVisible();
  expect(app.windows()).toHaveLength(1);
});

test('remembers the library in the recent list in the user-data folder', async () => {
  const stored = JSON.parse(readFileSync(join(userData, 'recent-libraries.json'), 'utf8')) as { libraries: string[] };
  expect(stored.libraries[0]).toBe(library);
});

test('quits cleanly: the library is closed and the process exits', async () => {
  const exited = new Promise<number | null>((done) => app.process().once('exit', (code) => done(code)));
  await app.close();
  expect(await exited).toBe(0);
});
