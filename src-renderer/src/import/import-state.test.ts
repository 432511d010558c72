import { describe, expect, it, vi } from 'vitest';
import type { ImportJobDto, ImportProgress } from '@shared/dto.ts';
import { ApiError } from '@shared/errors.ts';
import type { ImportFailure } from '@shared/dto.ts';
import { deferred, settle } from '../lib/testing/async.ts';
import { importJob as makeJob, StubApi } from '../lib/testing/stubs.ts';
import { Notices } from '../lib/notices/notices.svelte.ts';
import { ImportState } from './import-state.svelte.ts';

interface StubData {
  jobs?: ImportJobDto[];
  failures?: Record<number, ImportFailure[]>;
  pickedFolder?: string | null;
}

/**
 * The stub answers from `data` (a test changes it): a start adds a running job unless one runs (BUSY)
 * or the folder is blank, a cancel marks the job cancelled.
 */
function setup(data: StubData = {}) {
  const store = { jobs: [] as ImportJobDto[], failures: {} as Record<number, ImportFailure[]>, pickedFolder: null as string | null, ...data };
  const api = new StubApi({
    'import.start': ({ folder }) => {
      if (!folder.trim()) throw new ApiError('INVALID_INPUT', 'Invalid input for import.start: folder: a path is required');
      if (store.jobs.some((j) => j.status === 'running')) throw new ApiError('BUSY', 'An import is already running.');
      const job = makeJob(Math.max(0, ...store.jobs.map((j) => j.id)) + 1, { root: folder.trim() });
      store.jobs = [job, ...store.jobs];
      return job;
    },
    'import.cancel': ({ jobId }) => {
      const job = store.jobs.find((j) => j.id === jobId);
      if (!job) throw new ApiError('NOT_FOUND', `No import job ${jobId}`);
      return { ...job, status: 'cancelled', finishedAt: '2025-01-01T00:01:00.000Z' };
    },
    'import.jobs': ({ limit = 20 }) => store.jobs.slice(0, limit),
    'import.failures': ({ jobId }) => store.failures[jobId] ?? [],
    'dialog.pickFolder': () => ({ path: store.pickedFolder }),
  });
  const notices = new Notices();
  const onFinished = vi.fn();
  const importer = new ImportState(api, notices, { onFinished, recentLimit: 5 });
  return { api, store, notices, importer, onFinished };
}

function progress(jobId: number, processed: number, found: number, extra: Partial<ImportProgress> = {}): ImportProgress {
  return {
    jobId,
    phase: 'importing',
    counts: { ...makeJob(jobId), found, processed, imported: processed },
    currentFile: `/videos/v_${processed}.avi`,
    etaSeconds: 80,
    ...extra,
  };
}

function finished(id: number, extra: Partial<ImportJobDto> = {}): ImportJobDto {
  return makeJob(id, { status: 'completed', finishedAt: '2025-01-01T00:02:00.000Z', found: 3, processed: 3, imported: 2, failed: 1, ...extra });
}

describe('ImportState', () => {
  it('starts an import, follows progress and shows the summary with failures', async () => {
    const { api, store, importer, onFinished } = setup({ failures: { 1: [{ path: '/videos/bad.avi', reason: 'moov atom not found' }] } });
    await importer.start();
    expect(importer.phase).toBe('idle');
    importer.folder = '/videos';
    await importer.startImport();
    expect(api.callsOf('import.start')).toEqual([{ folder: '/videos' }]);
    expect(importer.phase).toBe('running');
    expect(importer.busy).toBe(true);
    expect(importer.jobId).toBe(1);

    api.emit('import.progress', progress(1, 1, 3));
    expect(importer.counts).toMatchObject({ processed: 1, found: 3 });
    expect(importer.progress?.currentFile).toBe('/videos/v_1.avi');
    api.emit('import.progress', progress(99, 2, 3)); // another job: ignored while ours runs
    expect(importer.progress?.jobId).toBe(1);

    store.jobs[0] = finished(1);
    api.emit('import.finished', finished(1));
    expect(importer.phase).toBe('finished');
    expect(importer.summary).toMatchObject({ id: 1, imported: 2, failed: 1 });
    await settle();
    expect(importer.failures).toEqual([{ path: '/videos/bad.avi', reason: 'moov atom not found' }]);
    expect(api.callsOf('import.failures')).toEqual([{ jobId: 1 }]);
    expect(importer.jobs[0]?.status).toBe('completed');
    expect(onFinished).toHaveBeenCalledOnce();

    api.emit('import.progress', progress(1, 3, 3)); // late event: the summary stays
    expect(importer.phase).toBe('finished');
    importer.dismissSummary();
    expect(importer.phase).toBe('idle');
  });

  it('reports start errors with their message', async () => {
    const { api, notices, importer } = setup();
    api.failNext('import.start', new ApiError('MEDIA_TOOLS_MISSING', 'ffprobe was not found (tried FFPROBE_PATH, ffprobe-static, PATH).'));
    importer.folder = '/videos';
    await importer.startImport();
    expect(importer.phase).toBe('idle');
    expect(notices.items[0]).toMatchObject({ code: 'MEDIA_TOOLS_MISSING', context: 'Start import', message: expect.stringContaining('ffprobe') });

    importer.folder = '   ';
    await importer.startImport();
    expect(notices.items.at(-1)).toMatchObject({ code: 'INVALID_INPUT' });

    importer.folder = '/videos';
    await importer.startImport();
    expect(importer.phase).toBe('running');
    expect(notices.items.filter((n) => n.context === 'Start import')).toEqual([]);
  });

  it('on BUSY adopts the import that is already running', async () => {
    const { api, store, notices, importer } = setup();
    await importer.start();
    store.jobs = [makeJob(7, { root: '/elsewhere' })]; // started by the CLI a moment ago
    importer.folder = '/videos';
    await importer.startImport();
    expect(notices.items[0]).toMatchObject({ code: 'BUSY' });
    expect(importer.phase).toBe('running');
    expect(importer.jobId).toBe(7);
    api.emit('import.progress', progress(7, 5, 10));
    expect(importer.counts?.processed).toBe(5);
  });

  it('adopts a running job on start-up (e.g. after a reload)', async () => {
    const { importer } = setup({ jobs: [makeJob(4), finished(3)] });
    await importer.start();
    expect(importer.phase).toBe('running');
    expect(importer.jobId).toBe(4);
    expect(importer.jobs).toHaveLength(2);
  });

  it('follows a job started elsewhere when idle', async () => {
    const { api, importer } = setup();
    await importer.start();
    api.emit('import.progress', progress(12, 1, 4));
    expect(importer.phase).toBe('running');
    expect(importer.jobId).toBe(12);
    api.emit('import.finished', finished(12));
    expect(importer.phase).toBe('finished');
  });

  it('handles import.finished arriving before import.start answers', async () => {
    const { api, importer } = setup();
    await importer.start();
    const reply = deferred<ImportJobDto>();
    api.answers['import.start'] = () => reply.promise;
    importer.folder = '/tiny';
    const starting = importer.startImport();
    expect(importer.phase).toBe('starting');
    api.emit('import.finished', finished(5, { failed: 0 }));
    reply.resolve(makeJob(5));
    await starting;
    expect(importer.phase).toBe('finished');
    expect(importer.summary?.id).toBe(5);
  });

  it('handles progress and finish arriving before import.start answers', async () => {
    const { api, importer, onFinished } = setup();
    await importer.start();
    const reply = deferred<ImportJobDto>();
    api.answers['import.start'] = () => reply.promise;
    const starting = importer.startImport();
    api.emit('import.progress', progress(6, 1, 1));
    expect(importer.counts?.processed).toBe(1);
    api.emit('import.finished', finished(6));
    reply.resolve(makeJob(6));
    await starting;
    expect(importer.phase).toBe('finished');
    expect(onFinished).toHaveBeenCalledOnce();
  });

  it('cancels the running job', async () => {
    const { api, importer, onFinished } = setup();
    await importer.start();
    importer.folder = '/videos';
    await importer.startImport();
    const cancelling = importer.cancel();
    expect(importer.phase).toBe('cancelling');
    await cancelling;
    expect(api.callsOf('import.cancel')).toEqual([{ jobId: 1 }]);
    expect(importer.phase).toBe('finished');
    expect(importer.summary?.status).toBe('cancelled');
    // The backend's own finished event for the same job does not run the summary twice.
    api.emit('import.finished', { ...importer.summary!, processed: 2 });
    expect(importer.summary?.processed).toBe(2);
    expect(onFinished).toHaveBeenCalledOnce();
  });

  it('reports a failed cancel and keeps following the job', async () => {
    const { api, notices, importer } = setup();
    await importer.start();
    importer.folder = '/videos';
    await importer.startImport();
    api.failNext('import.cancel', new ApiError('NOT_FOUND', 'No import job 1'));
    await importer.cancel();
    expect(importer.phase).toBe('running');
    expect(notices.items[0]).toMatchObject({ context: 'Cancel import', code: 'NOT_FOUND' });
  });

  it('shows a job-level failure in the summary', async () => {
    const { api, importer } = setup();
    await importer.start();
    importer.folder = '/videos';
    await importer.startImport();
    api.emit('import.finished', finished(1, { status: 'failed', error: 'disk full' }));
    expect(importer.summary).toMatchObject({ status: 'failed', error: 'disk full' });
  });

  it('fills the folder from the native dialog, and keeps it when cancelled', async () => {
    const { store, importer } = setup({ pickedFolder: '/picked' });
    await importer.pickFolder();
    expect(importer.folder).toBe('/picked');
    store.pickedFolder = null;
    await importer.pickFolder();
    expect(importer.folder).toBe('/picked');
  });

  it('reports failures to load jobs or failures', async () => {
    const { api, notices, importer } = setup();
    api.failNext('import.jobs', new ApiError('NO_LIBRARY', 'No library is open.'));
    await importer.start();
    expect(notices.items[0]).toMatchObject({ code: 'NO_LIBRARY', context: 'Load import jobs' });
    importer.folder = '/v';
    await importer.startImport();
    api.failNext('import.failures', new ApiError('DB_ERROR', 'locked'));
    api.emit('import.finished', finished(1));
    await settle();
    expect(notices.items.at(-1)).toMatchObject({ code: 'DB_ERROR', context: 'Load import failures' });
    expect(importer.failuresLoading).toBe(false);
  });

  it('unsubscribes on dispose', async () => {
    const { api, importer } = setup();
    await importer.start();
    expect(api.listenerCount('import.progress')).toBe(1);
    expect(api.listenerCount('import.finished')).toBe(1);
    importer.dispose();
    expect(api.listenerCount('import.progress')).toBe(0);
    expect(api.listenerCount('import.finished')).toBe(0);
  });
});
