// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderApp, unmountApp } from '../lib/testing/render-app.ts';
import { RealApi } from '../../../test-backend/real-api.ts';
import { UI_READY_VIDEOS } from '../../../test-backend/videos.ts';

/** One library of generated videos for the whole file: previews only read it (and fill its frame cache). */
let api: RealApi;
beforeAll(async () => {
  api = new RealApi();
  await api.openUiLibrary();
});
afterAll(() => api.close());
afterEach(unmountApp);

const render = renderApp;

const EXPECTED = {
  'order-verification': { elements: 3, frames: 3, classes: 2 },
  'sequence-sorting': { elements: 4, frames: 4, classes: 12 },
  'odd-one-out': { elements: 4, frames: 12, classes: 4 },
  'clip-order': { elements: 3, frames: 12, classes: 6 },
} as const;

describe('Task preview screen', () => {
  it('asks for a library first', async () => {
    const empty = new RealApi();
    try {
      const { q, click, app } = await render(empty);
      await click(q('preview-tab'));
      expect(q('preview-no-library')).not.toBeNull();
      await click(q('preview-no-library')!.querySelector('button'));
      expect(app.screen).toBe('library');
    } finally {
      unmountApp();
      await empty.close();
    }
  });

  it.each(Object.entries(EXPECTED))('%s: shows a tuple, its label and the truth on demand', async (task, expected) => {
    const { q, all, click } = await render(api);
    await click(q('preview-tab'));
    expect(q('preview-tab')?.getAttribute('aria-selected')).toBe('true');
    const options = all('task-option');
    expect(options.map((o) => o.dataset.task)).toEqual(Object.keys(EXPECTED));
    expect(options[0]?.textContent).toContain('Shuffle & Learn');

    await click(options.find((o) => o.dataset.task === task)!);
    await click(q('preset-tiny'));
    expect(q('preset-tiny')?.getAttribute('aria-pressed')).toBe('true');
    await click(q('preview-sample'));
    expect(api.callsOf('tasks.sample').at(-1)).toMatchObject({ seed: 1, config: { task } });

    const elements = all('preview-element');
    expect(elements).toHaveLength(expected.elements);
    expect(elements.map((e) => e.dataset.index)).toEqual(elements.map((_, i) => String(i)));
    const frames = all('preview-frame') as HTMLImageElement[];
    expect(frames).toHaveLength(expected.frames);
    expect(frames.every((img) => img.getAttribute('src')?.startsWith('data:image/png;base64,') && img.dataset.frame !== undefined)).toBe(true);
    expect(frames[0]?.classList.contains('pixelated')).toBe(true);
    expect(q('preview-label')?.textContent).toMatch(new RegExp(`class \\d+ of ${expected.classes}`));
    expect(q('motion-curve')?.querySelector('polyline')?.getAttribute('points')).toBeTruthy();
    expect(all('motion-tick').length).toBeGreaterThan(0);
    // Every generated video is long enough for a tiny preset.
    expect(q('preview-video-counts')?.textContent).toContain(`${UI_READY_VIDEOS} usable videos`);
    expect(q('preview-truth')).toBeNull();
    if (task === 'clip-order') expect(all('clip-player')).toHaveLength(3);

    await click(q('preview-reveal'));
    expect(q('preview-truth')?.textContent?.trim()).not.toBe('');
    expect(q('preview-reveal')?.getAttribute('aria-pressed')).toBe('true');
    if (task === 'odd-one-out') expect(elements.filter((e) => e.classList.contains('odd'))).toHaveLength(1);
    if (task === 'sequence-sorting' || task === 'clip-order') {
      expect(all('preview-element-truth').map((b) => b.textContent)).toHaveLength(expected.elements);
      expect(all('preview-ordered-frame')).toHaveLength(expected.elements);
    }
  });

  it('counts a video\'s frames in the picker at the sampling rate, as the task lengths and errors do', async () => {
    // 7.2 s filmed at 30 fps: 216 frames of its own, 180 at the 25 fps the tasks are sampled at.
    const filmed = new RealApi();
    try {
      await filmed.openLibrary();
      filmed.recordVideos(1, () => ({ label: 'Class1', media: { fps: 30, frameCount: 216, durationS: 7.2 } }));
      const { q, all, click } = await render(filmed);
      await click(q('preview-tab'));
      await click(all('task-option').find((o) => o.dataset.task === 'odd-one-out')!);
      const option = (q('preview-video-select') as HTMLSelectElement).querySelector('option[value="1"]');
      expect(option?.textContent).toContain('180 frames at 25 fps');
    } finally {
      unmountApp();
      await filmed.close();
    }
  });

  it('edits parameters, shows schema errors on the field and in the banner, and picks a video', async () => {
    const { q, all, click, change } = await render(api);
    await click(q('preview-tab'));
    await click(all('task-option').find((o) => o.dataset.task === 'order-verification')!);
    expect((q('param-task') as HTMLInputElement).readOnly).toBe(true);
    expect((q('param-frameSize.width') as HTMLInputElement).value).toBe('340');
    await click(q('preset-tiny'));
    expect((q('param-frameSize.width') as HTMLInputElement).value).toBe('64');

    await change(q('param-cropSize'), '500');
    expect(q('error-banner')?.textContent).toContain('cropSize must fit inside frameSize');
    expect(q('param-cropSize')?.getAttribute('aria-invalid')).toBe('true');
    expect(q('preview-error')?.textContent).toContain('cropSize');
    expect(q('preset-modified')?.textContent).toContain('1 changed');

    await click(q('preset-reset'));
    expect((q('param-cropSize') as HTMLInputElement).value).toBe('40');
    expect(q('error-banner')).toBeNull();
    expect(q('param-cropSize')?.getAttribute('aria-invalid')).toBeNull();

    await change(q('param-frameSize.height'), '');
    expect(q('param-frameSize.height')?.getAttribute('aria-invalid')).toBe('true');

    await change(q('preview-seed'), '77');
    expect(api.callsOf('tasks.sample').at(-1)?.seed).toBe(77);
    expect(q('preview-view')?.dataset.seed).toBe('77');

    const ready = (await api.call('videos.list', { status: 'ready' })).items;
    const select = q('preview-video-select') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value).sort()).toEqual(['', ...ready.map((v) => String(v.id))].sort());
    const picked = ready[3]!;
    await change(select, String(picked.id));
    expect(api.callsOf('tasks.sample').at(-1)?.videoId).toBe(picked.id);
    expect(q('preview-view')?.textContent).toContain(picked.fileName);
    expect(q('preview-keep-video')).toBeNull();
  });
});
