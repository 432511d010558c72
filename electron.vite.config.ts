import { cpSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { build } from 'esbuild';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { SHARED_ALIAS } from './vite.aliases.ts';
import { WORKER_SOURCES, workerBundleEntry, type CoreWorker } from './src-main/core/jobs/worker-entries.ts';

const root = import.meta.dirname;

/**
 * electron-vite picks the bundles' Node and Chrome targets (and ES-module output) from Electron's major
 * version, read from electron/package.json. `electron` is an optional dependency that npm drops when its
 * binary cannot be downloaded, and serve mode still needs this build: then the version package.json asks
 * for stands in, through the variable electron-vite reads first.
 */
function declareElectronMajorVersion(): void {
  try {
    createRequire(resolve(root, 'package.json')).resolve('electron/package.json');
    return;
  } catch {
    const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
    const range: string = manifest.optionalDependencies.electron;
    const major = /\d+/.exec(range)?.[0];
    if (!major) throw new Error(`package.json: cannot read Electron's major version from "${range}".`);
    process.env.ELECTRON_MAJOR_VER ??= major;
  }
}
declareElectronMajorVersion();

/**
 * The PyTorch bundle template and the FiftyOne loader beside the main bundle, where
 * core/interop/export-bundle.ts and core/retrieval/fiftyone-export.ts read them.
 */
const copyTorchBundle = {
  name: 'copy-torch-bundle',
  writeBundle: () => {
    cpSync(resolve(root, 'src-main/core/interop/torch-bundle'), resolve(root, 'out/main/torch-bundle'), { recursive: true });
    cpSync(resolve(root, 'src-main/core/retrieval/fiftyone'), resolve(root, 'out/main/fiftyone'), { recursive: true });
  },
};

/**
 * The compute host page (src-main/compute-host: plain web code, WebGPU runs of the desktop app) beside
 * the renderer's index.html, where the app scheme serves it. It is no part of the Svelte app, so esbuild
 * bundles it on its own, as e2e/compute-host.spec.ts does.
 */
const buildComputeHost = {
  name: 'build-compute-host',
  writeBundle: async () => {
    await build({
      entryPoints: [resolve(root, 'src-main/compute-host/main.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      outfile: resolve(root, 'out/renderer/compute-host.js'),
      logLevel: 'error',
    });
    cpSync(resolve(root, 'src-main/compute-host/index.html'), resolve(root, 'out/renderer/compute-host.html'));
  },
};

export default defineConfig({
  main: {
    plugins: [copyTorchBundle],
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve(root, 'src-main/app/main.ts'),
          // Training, its batch loader, feature extraction and embedding maps run in worker threads;
          // jobs/worker-host.ts loads these files next to the main bundle.
          ...Object.fromEntries(
            (Object.keys(WORKER_SOURCES) as CoreWorker[]).map((name) => [
              workerBundleEntry(name),
              resolve(root, 'src-main/core/jobs', WORKER_SOURCES[name]),
            ]),
          ),
        },
        // Shared chunks beside the entries: worker-host.ts finds the workers next to itself.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot be ES modules.
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/preload/index.ts'), 'compute-host': resolve(root, 'src-main/preload/compute-host.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [svelte({ configFile: resolve(root, 'svelte.config.js') }), buildComputeHost],
    resolve: { alias: SHARED_ALIAS },
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
