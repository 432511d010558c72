import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { SHARED_ALIAS } from './vite.aliases.ts';

export default defineConfig({
  plugins: [svelte()],
  resolve: { alias: SHARED_ALIAS, ...(process.env.VITEST ? { conditions: ['browser'] } : {}) },
  test: {
    include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'scripts/**/*.test.js', 'bench/**/*.test.ts'],
    // Media tests spawn ffmpeg; two workers match the two cores CI has.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
