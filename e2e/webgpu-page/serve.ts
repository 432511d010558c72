/**
 * What the WebGPU page tests share: Debian Chromium with WebGPU on SwiftShader (its CPU adapter), and a
 * page served from 127.0.0.1 (a secure context, as WebGPU requires) with its script bundled by esbuild.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LaunchOptions } from '@playwright/test';
import { build } from 'esbuild';

export const WEBGPU_LAUNCH_OPTIONS: LaunchOptions = {
  executablePath: process.env.PRETEXT_CHROMIUM ?? '/usr/bin/chromium',
  // WebGPU on SwiftShader needs the GPU process: no --disable-gpu here.
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-first-run', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'],
};

/** Serves `html` at every path but `/${scriptName}`, which is `entry` bundled for the browser. */
export async function serveWebGpuPage(entry: string, scriptName: string, html: string): Promise<{ url: string; close(): Promise<void> }> {
  const bundle = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'error' });
  const script = bundle.outputFiles[0]?.text ?? '';
  const server = createServer((request, response) => {
    if (request.url === `/${scriptName}`) response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else response.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
