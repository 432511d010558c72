// The compute host page must stay plain web code: everything it imports, transitively, bundles for the
// browser. A Node import anywhere below it (the engine, the model, the job protocol) fails here.
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the compute host page', () => {
  it('bundles for the browser without a single Node module', async () => {
    const result = build({
      entryPoints: [resolve(import.meta.dirname, 'main.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    await expect(result).resolves.toMatchObject({ errors: [] });
  });
});
