/**
 * `pretext train --backend webgpu --json` as a user runs it, for every task: stdout is one JSON document
 * even though Dawn prints its errors on stdout, and the run trains on WebGPU. Skipped, with the reason, where
 * Dawn finds no adapter.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipTitle, webgpuProblem } from '../core/compute/webgpu-test-support.ts';
import { demoLibrary, pretext } from './test-support.ts';

const noAdapter = await webgpuProblem();

describe.skipIf(noAdapter !== null)(skipTitle(noAdapter)('pretext train --backend webgpu'), () => {
  let work: string;
  let library: string;
  beforeAll(() => {
    ({ work, library } = demoLibrary('pretext-cli-webgpu-'));
  }, 240_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // Every task, as a user would run it; a step or two each (lavapipe is a CPU: slow, but exact enough).
  it.each([
    ['sequence-sorting', 2],
    ['order-verification', 1],
    ['odd-one-out', 1],
    ['clip-order', 1],
  ] as const)('trains %s and prints valid JSON', (task, steps) => {
    const result = pretext('train', '--task', task, '--steps', String(steps), '--backend', 'webgpu', '--json', '--library', library);
    expect(result.status, result.stderr).toBe(0);
    const detail = JSON.parse(result.stdout) as { run: { task: string; status: string; backend: string; error: string | null }; metrics: { split: string; loss: number }[] };
    expect(detail.run).toMatchObject({ task, status: 'completed', backend: 'webgpu', error: null });
    const losses = detail.metrics.filter((point) => point.split === 'train').map((point) => point.loss);
    expect(losses).toHaveLength(steps);
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
  }, 240_000);
});
