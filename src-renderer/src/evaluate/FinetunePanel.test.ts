// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import type { RunDto } from '@shared/dto.ts';
import { ApiError } from '@shared/errors.ts';
import { finetunePreset, finetuneTrainConfig } from '@shared/finetune.ts';
import { trainPreset } from '@shared/training.ts';
import { settle } from '../lib/testing/async.ts';
import { StubApi } from '../lib/testing/stubs.ts';
import { Notices } from '../lib/notices/notices.svelte.ts';
import { FINETUNE_CONTEXT, FinetuneState } from './finetune-state.svelte.ts';
import FinetunePanel from './FinetunePanel.svelte';

const parentConfig = trainPreset('clip-order', 'r3d', 'tiny');

function run(id: number, overrides: Partial<RunDto> = {}): RunDto {
  return {
    id,
    name: null,
    note: '',
    task: 'clip-order',
    backbone: 'r3d',
    config: parentConfig,
    seed: 632,
    backend: 'wasm',
    status: 'completed',
    step: 300,
    totalSteps: 300,
    error: null,
    createdAt: '2026-12-05T10:00:00Z',
    updatedAt: '2026-12-05T10:00:00Z',
    bestValidationAccuracy: 0.4,
    lastCheckpointStep: 300,
    kind: 'pretext',
    parentRunId: null,
    finetune: null,
    testAccuracy: null,
    ...overrides,
  };
}

function finetuneRun(id: number, parentRunId: number, overrides: Partial<RunDto> = {}): RunDto {
  const config = finetunePreset(parentRunId, 'tiny');
  return run(id, {
    kind: 'finetune',
    parentRunId,
    config: finetuneTrainConfig(parentConfig, config, 6),
    finetune: { config, parentCheckpointStep: 300, classes: ['a', 'b', 'c', 'd', 'e'], trainVideos: 14, testVideos: 6 },
    status: 'running',
    step: 0,
    totalSteps: 150,
    ...overrides,
  });
}

let unmountPanel: (() => void) | null = null;
afterEach(() => {
  unmountPanel?.();
  unmountPanel = null;
  document.body.innerHTML = '';
});

async function update(): Promise<void> {
  await settle();
  flushSync();
}

async function render(api: StubApi) {
  const notices = new Notices();
  const finetune = new FinetuneState(api, notices);
  const target = document.createElement('div');
  document.body.append(target);
  const component = mount(FinetunePanel, { target, props: { finetune, split: { seed: 3, testFraction: 0.4 } } });
  unmountPanel = () => void unmount(component);
  await update();
  const q = (id: string) => target.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  return { finetune, notices, q, target };
}

describe('Fine-tune panel', () => {
  it('fine-tunes the chosen finished run on the screen’s split, follows its progress and shows its test accuracy', async () => {
    const started = finetuneRun(9, 2);
    const api = new StubApi({
      'training.runs': () => [run(3, { status: 'cancelled' }), run(2), run(1, { lastCheckpointStep: null })],
      'training.finetune': () => started,
      'training.cancel': () => started,
    });
    const { q, target, finetune } = await render(api);
    const parents = [...target.querySelectorAll('[data-testid="finetune-parent"] option')].map((option) => option.getAttribute('value'));
    expect(parents).toEqual(['2']);
    const preset = q('finetune-preset') as HTMLSelectElement;
    preset.value = 'paper';
    preset.dispatchEvent(new Event('change', { bubbles: true }));
    q('finetune-start')?.click();
    await update();
    expect(api.callsOf('training.finetune')).toEqual([{ parentRunId: 2, preset: 'paper', split: { seed: 3, testFraction: 0.4 } }]);
    expect((q('finetune-start') as HTMLButtonElement).disabled).toBe(true);

    api.emit('training.progress', {
      runId: 9, phase: 'training', step: 40, totalSteps: 150, stepsPerSecond: 10, etaSeconds: 11, dataWaitShare: 0, backend: 'wasm', message: null,
    });
    await update();
    expect(q('finetune-progress')?.textContent).toMatch(/Run #9: Step 40 \/ 150 · ETA 11 s/);
    q('finetune-cancel')?.click();
    await update();
    expect(api.callsOf('training.cancel')).toEqual([{ runId: 9 }]);

    api.emit('training.finished', { ...started, status: 'completed', step: 150, testAccuracy: { top1: 0.5, top5: 1, videos: 6, clips: 10 } });
    await update();
    expect(q('finetune-progress')).toBeNull();
    expect(q('finetune-result')?.textContent).toBe('top-1 50 % · top-5 100 % · 6 test videos × 10 clips');
    expect(finetune.canStart).toBe(true);

    // The random-init baseline: the same run's network untrained, the same recipe and split.
    const from = q('finetune-from') as HTMLSelectElement;
    from.value = 'random';
    from.dispatchEvent(new Event('change', { bubbles: true }));
    q('finetune-start')?.click();
    await update();
    expect(api.callsOf('training.finetune').at(-1)).toEqual({ parentRunId: 2, preset: 'paper', split: { seed: 3, testFraction: 0.4 }, checkpoint: 'random' });
  });

  it('says when there is nothing to fine-tune, and reports a refusal', async () => {
    const empty = await render(new StubApi({ 'training.runs': () => [] }));
    expect(empty.q('finetune-no-parent')?.textContent).toMatch(/No finished run to fine-tune/);
    unmountPanel?.();

    const api = new StubApi({ 'training.runs': () => [run(2), finetuneRun(5, 2, { status: 'failed', error: 'boom' })], 'training.finetune': () => finetuneRun(9, 2) });
    api.failNext('training.finetune', new ApiError('INVALID_INPUT', 'Fine-tuning needs labelled videos of at least 2 classes'));
    const { q, notices } = await render(api);
    expect(q('finetune-result')?.textContent).toBe('failed: boom');
    q('finetune-start')?.click();
    await update();
    expect(notices.items.map((notice) => [notice.context, notice.message])).toEqual([[FINETUNE_CONTEXT, 'Fine-tuning needs labelled videos of at least 2 classes']]);
    expect(q('finetune-progress')).toBeNull();
  });
});
