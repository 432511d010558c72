import { cpSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = import.meta.dirname;

/** The PyTorch bundle template beside the main bundle, where core/interop/export-bundle.ts reads it. */
const copyTorchBundle = {
  name: 'copy-torch-bundle',
  writeBundle: () => cpSync(resolve(root, 'src-main/core/interop/torch-bundle'), resolve(root, 'out/main/torch-bundle'), { recursive: true }),
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
          // compute/worker-host.ts loads these files next to the main bundle.
          'training-worker': resolve(root, 'src-main/core/training/worker.ts'),
          'extraction-worker': resolve(root, 'src-main/core/retrieval/extract-worker.ts'),
          'loader-worker': resolve(root, 'src-main/core/frames/loader-worker.ts'),
          'projection-worker': resolve(root, 'src-main/core/retrieval/projection-worker.ts'),
          'linear-probe-worker': resolve(root, 'src-main/core/retrieval/linear-probe-worker.ts'),
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
        input: { index: resolve(root, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [svelte({ configFile: resolve(root, 'svelte.config.js') })],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
