import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TuplePreview } from '@shared/dto.ts';
import { ApiError } from '@shared/errors.ts';
import { TASK_PRESETS } from '@shared/tasks.ts';
import { Notices } from '../lib/notices/notices.svelte.ts';
import { deferred, settle } from '../lib/testing/async.ts';
import { RealApi } from '../../../test-backend/real-api.ts';
import { BROKEN_VIDEO, SHORT_VIDEO, UI_READY_VIDEOS } from '../../../test-backend/videos.ts';
import { PreviewState, SAMPLE_CONTEXT, TASKS_CONTEXT, type PreviewStateOptions } from './preview-state.svelte.ts';

let backends: RealApi[] = [];

/** A copy of the UI library (the generated videos) on the real backend, and a PreviewState over it. */
async function setup(options: PreviewStateOptions = {}) {
  const api = new RealApi();
  backends.push(api);
  const { path } = await api.openUiLibrary();
  const notices = new Notices();
  const preview = new PreviewState(api, notices, { searchDebounceMs: 50, ...options });
  return { api, notices, preview, path };
}

async function started(options: PreviewStateOptions = {}) {
  const ctx = await setup(options);
  await ctx.preview.activate(ctx.path);
  return ctx;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(backends.map((api) => api.close()));
  backends = [];
});

describe('PreviewState tasks and presets', () => {
  it('loads the tasks and the ready videos once activated', async () => {
    const { api, preview, path } = await started();
    expect(preview.tasksLoaded).toBe(true);
    expect(preview.tasks.map((t) => t.id)).toEqual(['order-verification', 'sequence-sorting', 'odd-one-out', 'clip-order']);
    expect(api.callsOf('videos.list')).toEqual([{ status: 'ready', limit: 500 }]);
    // The broken file of the imported folder is not offered.
    expect(preview.videos).toHaveLength(UI_READY_VIDEOS);
    expect(preview.videos.map((v) => v.fileName)).not.toContain(BROKEN_VIDEO.split('/').at(-1));
    expect(preview.videoTotal).toBe(UI_READY_VIDEOS);
    expect(preview.taskId).toBeNull();
    expect(api.callsOf('tasks.sample')).toEqual([]);

    await preview.activate(path);
    expect(api.callsOf('tasks.list')).toHaveLength(1);
    expect(api.callsOf('videos.list')).toHaveLength(2);
  });

  it('picking a task copies the preset and samples it', async () => {
    const { api, preview } = await started();
    await preview.selectTask('clip-order');
    expect(preview.taskId).toBe('clip-order');
    expect(preview.preset).toBe('paper');
    expect(preview.config).toEqual(TASK_PRESETS['clip-order'].paper);
    // A copy: editing it leaves the preset as listed.
    expect(preview.config).not.toBe(preview.presetConfig);
    expect(api.callsOf('tasks.sample')).toEqual([{ config: TASK_PRESETS['clip-order'].paper, seed: 0 }]);
    expect(preview.preview?.task).toBe('clip-order');
    expect(preview.preview?.elements).toHaveLength(3);
    expect(preview.shown).toEqual({ config: preview.config, seed: 0, videoId: null });
    expect(preview.outdated).toBe(false);
    expect(preview.fields.map((f) => f.path)).toEqual(Object.keys(TASK_PRESETS['clip-order'].paper));

    await preview.selectPreset('tiny');
    expect(preview.config).toEqual(TASK_PRESETS['clip-order'].tiny);
    expect(preview.preview?.elements[0]?.frames).toHaveLength(4);

    // Another task starts from the same preset name, with the reveal hidden again.
    preview.toggleReveal();
    await preview.selectTask('odd-one-out');
    expect(preview.config).toEqual(TASK_PRESETS['odd-one-out'].tiny);
    expect(preview.revealed).toBe(false);
    expect(preview.preview?.task).toBe('odd-one-out');
  });

  it('edits a parameter (nested ones too), tracks what differs from the preset, and resets', async () => {
    const { api, preview } = await started({ preset: 'tiny' });
    await preview.selectTask('order-verification');
    const generation = preview.formGeneration;
    await preview.setParam('cropSize', 32);
    await preview.setParam('frameSize.width', 80);
    expect(preview.config).toMatchObject({ cropSize: 32, frameSize: { width: 80, height: 48 } });
    expect(preview.modified).toEqual(['frameSize.width', 'cropSize']);
    expect(api.callsOf('tasks.sample').at(-1)?.config).toMatchObject({ cropSize: 32, frameSize: { width: 80 } });
    // The listed preset is untouched.
    expect(preview.presetConfig).toEqual(TASK_PRESETS['order-verification'].tiny);

    await preview.resetConfig();
    expect(preview.config).toEqual(TASK_PRESETS['order-verification'].tiny);
    expect(preview.modified).toEqual([]);
    expect(preview.formGeneration).toBeGreaterThan(generation);
  });

  it('reports the schema error of a bad parameter on the field and in the notices', async () => {
    const { notices, preview } = await started({ preset: 'tiny' });
    await preview.selectTask('order-verification');
    const shownBefore = preview.preview;
    await preview.setParam('cropSize', 500);
    expect(notices.items).toHaveLength(1);
    expect(notices.items[0]).toMatchObject({ context: SAMPLE_CONTEXT, code: 'INVALID_INPUT' });
    expect(notices.items[0]?.message).toContain('cropSize');
    expect(preview.fieldErrors).toEqual({ cropSize: 'cropSize must fit inside frameSize' });
    expect(preview.sampleError).toContain('cropSize');
    // The older preview stays, marked as not matching the form.
    expect(preview.preview).toBe(shownBefore);
    expect(preview.outdated).toBe(true);

    await preview.setParam('cropSize', 40);
    expect(preview.fieldErrors).toEqual({});
    expect(preview.sampleError).toBeNull();
    expect(notices.items).toEqual([]);
    expect(preview.outdated).toBe(false);
  });

  it('keeps a typed non-number as a field error without sampling', async () => {
    const { api, preview } = await started();
    await preview.selectTask('sequence-sorting');
    const calls = api.callsOf('tasks.sample').length;
    preview.setFieldError('jitter', 'Jitter must be a number');
    expect(preview.fieldErrors).toEqual({ jitter: 'Jitter must be a number' });
    expect(api.callsOf('tasks.sample')).toHaveLength(calls);
    await preview.setParam('jitter', 3);
    expect(preview.fieldErrors).toEqual({});
  });

  it('reports a failing tasks.list and can retry', async () => {
    const { api, notices, preview, path } = await setup();
    api.failNext('tasks.list', new ApiError('INTERNAL', 'boom'));
    await preview.activate(path);
    expect(preview.tasksLoaded).toBe(false);
    expect(notices.items[0]).toMatchObject({ context: TASKS_CONTEXT, message: 'boom' });
    await preview.loadTasks();
    expect(preview.tasksLoaded).toBe(true);
    expect(notices.items).toEqual([]);
  });
});

describe('PreviewState seeds and videos', () => {
  it('samples again with the next seed, a typed seed, or a random one', async () => {
    const { api, preview } = await started({ initialSeed: 41, random: () => 0.5 });
    await preview.selectTask('sequence-sorting');
    expect(api.callsOf('tasks.sample').at(-1)?.seed).toBe(41);
    await preview.sampleAgain();
    expect(preview.seed).toBe(42);
    expect(preview.preview?.seed).toBe(42);

    expect(preview.setSeed(7.9)).toBe(true);
    await settle();
    expect(preview.seed).toBe(7);
    expect(api.callsOf('tasks.sample').at(-1)?.seed).toBe(7);
    const calls = api.callsOf('tasks.sample').length;
    expect(preview.setSeed(Number.NaN)).toBe(false);
    expect(preview.setSeed(7)).toBe(true); // unchanged: no new request
    expect(api.callsOf('tasks.sample')).toHaveLength(calls);

    await preview.randomSeed();
    expect(preview.seed).toBe(2 ** 30);
    expect(api.callsOf('tasks.sample').at(-1)?.seed).toBe(2 ** 30);
  });

  it('samples from a chosen video, a library selection, or the one the seed picked', async () => {
    const { api, preview } = await started();
    await preview.selectTask('order-verification');
    expect(api.callsOf('tasks.sample').at(-1)).not.toHaveProperty('videoId');
    const picked = preview.preview!.video.id;

    const chosen = preview.videos.find((v) => v.id !== picked)!;
    await preview.setVideo(chosen.id);
    expect(api.callsOf('tasks.sample').at(-1)?.videoId).toBe(chosen.id);
    expect(preview.preview?.video.id).toBe(chosen.id);

    // A library selection hidden by the picker's filter stays listed while chosen.
    const hidden = await api.call('videos.get', { id: preview.videos.at(-1)!.id });
    preview.videos = preview.videos.filter((v) => v.id !== hidden.id);
    await preview.useVideo(hidden);
    expect(preview.videoId).toBe(hidden.id);
    expect(preview.videoOptions[0]).toMatchObject({ id: hidden.id, fileName: hidden.fileName });

    await preview.setVideo(null);
    expect(api.callsOf('tasks.sample').at(-1)).not.toHaveProperty('videoId');
    expect(preview.preview?.video.id).toBe(picked);
    await preview.keepShownVideo();
    expect(preview.videoId).toBe(picked);
  });

  it('reports NOT_FOUND and a too-short video', async () => {
    const { notices, preview } = await started();
    await preview.selectTask('clip-order'); // paper: 64 frames, more than the short clip's 25
    expect(preview.preview?.usableVideos).toBe(UI_READY_VIDEOS - 1);
    expect(preview.preview?.skippedVideos).toBe(1);

    const short = preview.videos.find((v) => SHORT_VIDEO.endsWith(v.fileName))!;
    await preview.setVideo(short.id);
    expect(preview.sampleError).toMatch(/too short/);
    expect(notices.items.at(-1)).toMatchObject({ context: SAMPLE_CONTEXT, code: 'INVALID_INPUT' });
    expect(preview.fieldErrors).toEqual({});

    await preview.setVideo(9999);
    expect(notices.items.at(-1)).toMatchObject({ code: 'NOT_FOUND', message: 'Video 9999 is not a ready video of this library.' });
    expect(preview.sampleError).toBe('Video 9999 is not a ready video of this library.');
  });

  it('filters the video list after a debounce, dropping older answers', async () => {
    vi.useFakeTimers();
    const { api, preview, path } = await setup();
    await preview.activate(path);
    preview.setVideoSearch('clip_1');
    preview.setVideoSearch(' move_up/clip_1 ');
    expect(api.callsOf('videos.list')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(api.callsOf('videos.list').at(-1)).toEqual({ status: 'ready', limit: 500, search: 'move_up/clip_1' });
    expect(preview.videos.map((v) => [v.label, v.fileName])).toEqual([['move_up', 'clip_1.mp4']]);
  });

  it('forgets the video and the preview when another library is shown', async () => {
    const { preview } = await started();
    await preview.selectTask('odd-one-out');
    await preview.setVideo(preview.videos[1]!.id);
    await preview.activate('/other');
    expect(preview.videoId).toBeNull();
    expect(preview.preview).toBeNull();
    expect(preview.taskId).toBe('odd-one-out'); // the task and config stay
    expect(preview.config).not.toBeNull();
  });
});

describe('PreviewState stale responses', () => {
  it('shows only the answer to the latest request', async () => {
    const { api, preview } = await started();
    const pending: Array<ReturnType<typeof deferred<TuplePreview>>> = [];
    api.override('tasks.sample', (input, real) => {
      const d = deferred<TuplePreview>();
      pending.push(d);
      return d.promise.then(() => real(input));
    });
    const first = preview.selectTask('sequence-sorting');
    const second = preview.sampleAgain();
    await settle(); // the backend's wrapper runs a moment later
    expect(pending).toHaveLength(2);
    expect(preview.sampling).toBe(true);

    pending[1]!.resolve(null as never);
    await second;
    expect(preview.preview?.seed).toBe(1);
    expect(preview.sampling).toBe(false);

    pending[0]!.resolve(null as never);
    await first;
    expect(preview.preview?.seed).toBe(1);
    expect(preview.shown?.seed).toBe(1);
  });

  it('ignores a late failure of an older request', async () => {
    const { api, notices, preview } = await started();
    const gates: Array<ReturnType<typeof deferred<void>>> = [];
    api.override('tasks.sample', async (input, real) => {
      const gate = deferred<void>();
      gates.push(gate);
      await gate.promise;
      if (input.seed === 0) throw new ApiError('INTERNAL', 'late failure');
      return real(input);
    });
    const first = preview.selectTask('clip-order');
    const second = preview.sampleAgain();
    await settle();
    gates[1]!.resolve();
    await second;
    gates[0]!.resolve();
    await first;
    expect(notices.items).toEqual([]);
    expect(preview.sampleError).toBeNull();
    expect(preview.preview?.seed).toBe(1);
  });

  it('drops a preview that answers after the task changed', async () => {
    const { api, preview } = await started();
    const gate = deferred<void>();
    api.override('tasks.sample', async (input, real) => {
      if (input.config.task === 'clip-order') await gate.promise;
      return real(input);
    });
    const slow = preview.selectTask('clip-order');
    await preview.selectTask('order-verification');
    gate.resolve();
    await slow;
    expect(preview.preview?.task).toBe('order-verification');
  });
});
