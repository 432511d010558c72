/**
 * The WebGPU kernel checks in Debian Chromium on SwiftShader (its CPU WebGPU adapter): the page,
 * served from 127.0.0.1 (a secure context, as WebGPU requires), bundles the app's WebGPU device setup
 * and error guard and runs each kernel case against tfjs's cpu backend. Skipped, with the reason,
 * where this Chromium offers no adapter.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import type { KernelCheck } from './webgpu-page/kernel-checks.ts';

test.use({
  launchOptions: {
    executablePath: process.env.PRETEXT_CHROMIUM ?? '/usr/bin/chromium',
    // WebGPU on SwiftShader needs the GPU process: no --disable-gpu here.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-first-run', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'],
  },
});

let server: Server;
let url: string;

test.beforeAll(async () => {
  const bundle = await build({
    entryPoints: [resolve(import.meta.dirname, 'webgpu-page/kernel-checks.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  server = createServer((request, response) => {
    if (request.url === '/kernel-checks.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script type="module" src="/kernel-checks.js"></script>');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  await new Promise((done) => server.close(done));
});

test('every kernel case on WebGPU (SwiftShader) equals the cpu backend', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(url);
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
