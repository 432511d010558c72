// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import type { RunDto } from '@shared/dto.ts';
import { finetunePreset, finetuneTrainConfig } from '@shared/finetune.ts';
import { trainPreset } from '@shared/training.ts';
import RunDetails from './RunDetails.svelte';

const parentConfig = trainPreset('clip-order', 'r3d', 'tiny');
const config = finetunePreset(4, 'tiny');
const FINETUNE: RunDto = {
  id: 7,
  name: null,
  note: '',
  task: 'clip-order',
  backbone: 'r3d',
  config: finetuneTrainConfig(parentConfig, config, 6),
  seed: 632,
  backend: 'wasm',
  status: 'completed',
  step: 150,
  totalSteps: 150,
  error: null,
  createdAt: '2026-12-05T10:00:00Z',
  updatedAt: '2026-12-05T10:00:00Z',
  bestValidationAccuracy: null,
  lastCheckpointStep: 150,
  kind: 'finetune',
  parentRunId: 4,
  finetune: { config, parentCheckpointStep: 300, classes: ['a', 'b', 'c', 'd', 'e'], trainVideos: 14, testVideos: 6 },
  testAccuracy: { top1: 0.5, top5: 1, videos: 6, clips: 10 },
};

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  document.body.innerHTML = '';
});

function render(run: RunDto): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  const component = mount(RunDetails, {
    target,
    props: { run, checkpoints: [], loading: false, saving: false, deleting: false, onsave: async () => true, ondelete: () => {} },
  });
  cleanup = () => void unmount(component);
  flushSync();
  return target;
}

describe('RunDetails of a fine-tune run', () => {
  it('names its parent, split and test accuracy; a pretext run shows none of it', () => {
    const text = render(FINETUNE).querySelector('[data-testid="run-finetune-details"]')?.textContent?.replace(/\s+/g, ' ');
    expect(text).toMatch(/Fine-tune of run #4 \(checkpoint step 300\), tiny preset, 5 classes, 14 training and 6 test videos \(seeded split 0, test fraction 0\.3\)/);
    expect(text).toMatch(/Test top-1 50(\.0)? %, top-5 100(\.0)? %: the last checkpoint, 10 clips averaged per video/);
    cleanup?.();
    const pretext = render({ ...FINETUNE, kind: 'pretext', parentRunId: null, finetune: null, testAccuracy: null, config: parentConfig });
    expect(pretext.querySelector('[data-testid="run-finetune-details"]')).toBeNull();
  });
});
