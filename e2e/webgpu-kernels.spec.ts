/**
 * The WebGPU kernel checks in Debian Chromium on SwiftShader (its CPU WebGPU adapter): the page,
 * served from 127.0.0.1 (a secure context, as WebGPU requires), bundles the app's WebGPU device setup
 * and error guard and runs each kernel case against tfjs's cpu backend. Skipped, with the reason,
 * where this Chromium offers no adapter.
 */
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { serveWebGpuPage, WEBGPU_LAUNCH_OPTIONS } from './webgpu-page/serve.ts';
import type { KernelCheck } from './webgpu-page/kernel-checks.ts';

test.use({ launchOptions: WEBGPU_LAUNCH_OPTIONS });

let server: Awaited<ReturnType<typeof serveWebGpuPage>>;

test.beforeAll(async () => {
  const html = '<!doctype html><script type="module" src="/kernel-checks.js"></script>';
  server = await serveWebGpuPage(resolve(import.meta.dirname, 'webgpu-page/kernel-checks.ts'), 'kernel-checks.js', html);
});

test.afterAll(() => server.close());

test('every kernel case on WebGPU (SwiftShader) equals the cpu backend', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(server.url);
  await page.waitForFunction(() => 'runKernelChecks' in globalThis);
  const result = await page.evaluate(
    () => (globalThis as unknown as { runKernelChecks(): Promise<{ adapter: unknown; limit?: number; checks?: KernelCheck[] }> }).runKernelChecks(),
  );
  test.skip(result.adapter === null, 'this Chromium offers no WebGPU adapter');
  test.info().annotations.push({ type: 'adapter', description: JSON.stringify(result.adapter) });
  const checks = result.checks ?? [];
  expect(checks.length).toBeGreaterThan(20);
  for (const check of checks) {
    expect(check.failure, check.name).toBeUndefined();
    expect(check.error, check.name).toBeLessThanOrEqual(1e-4);
  }
});
