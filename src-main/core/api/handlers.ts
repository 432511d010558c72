import { ApiError } from '../../shared/errors.ts';
import { listTasks } from '../../shared/tasks.ts';
import { trainPreset } from '../../shared/training.ts';
import { backendReport } from '../compute/backend.ts';
import type { LibraryService } from '../library/service.ts';
import { mediaToolsStatus } from '../media/tools.ts';
import { APP_VERSION } from '../version.ts';
import type { Handlers } from './dispatch.ts';
import { exportRunBundle } from '../interop/export-bundle.ts';
import { importWeights } from '../interop/import-weights.ts';

/** What only a shell can do (native dialogs); absent in the browser bridge. */
export interface ShellCapabilities {
  pickFolder?: (title: string | undefined) => Promise<string | null>;
  /** Libraries opened before (the desktop app and serve keep a list). */
  recentLibraries?: () => string[];
}

/** The one implementation of every contract method, shared by Electron IPC, the bridge and tests. */
export function createHandlers(library: LibraryService, shell: ShellCapabilities = {}): Handlers {
  return {
    'app.info': async () => ({
      version: APP_VERSION,
      platform: `${process.platform}-${process.arch}`,
      mediaTools: await mediaToolsStatus(),
    }),
    'library.current': async () => library.current(),
    'library.open': async ({ path, create, readOnly }) => library.open(path, create, { readOnly }),
    'library.recent': async () => shell.recentLibraries?.() ?? [],
    'import.start': async ({ folder }) => library.startImport(folder),
    'import.cancel': async ({ jobId }) => library.cancelImport(jobId),
    'import.jobs': async ({ limit }) => library.jobs(limit),
    'import.failures': async ({ jobId }) => library.failures(jobId),
    'videos.list': async (filter) => library.videos(filter),
    'videos.get': async ({ id }) => library.video(id),
    'tasks.list': async () => listTasks(),
    'tasks.sample': async (request) => library.previewTuple(request),
    'training.backends': async () => backendReport(),
    'training.preset': async ({ task, backbone, preset }) => trainPreset(task, backbone, preset),
    'training.start': async ({ config }) => library.training.start(config),
    'training.cancel': async ({ runId }) => library.training.cancel(runId),
    'training.resume': async ({ runId }) => library.training.resume(runId),
    'training.runs': async (filter) => library.training.runs(filter),
    'training.update': async ({ runId, name, note }) => library.training.update(runId, { name, note }),
    'training.delete': async ({ runId }) => {
      const deleted = library.training.delete(runId);
      for (const setId of deleted.featureSets) library.retrieval.forget(setId);
      return deleted;
    },
    'training.run': async ({ runId }) => library.training.run(runId),
    'training.exportBundle': async ({ runId, folder }) => {
      const { db } = library.requireOpen();
      return exportRunBundle(db, await library.resolveTools(), runId, folder);
    },
    'training.importWeights': async (request) => {
      const { db, cacheDir } = library.requireOpen();
      return importWeights(db, cacheDir, request, (create) => library.ownJob('training', create));
    },
    'features.sets': async () => library.features.sets(),
    'features.extract': async ({ source, protocol }) => library.features.extract({ ...source, protocol }),
    'features.update': async ({ setId }) => library.features.update(setId),
    'features.cancel': async ({ setId }) => library.features.cancel(setId),
    'features.delete': async ({ setId }) => {
      const deleted = library.features.delete(setId);
      library.retrieval.forget(setId);
      return deleted;
    },
    'retrieval.query': async (query) => library.retrieval.neighbours(query),
    'evaluation.table': async (request) => library.retrieval.evaluate(request),
    'evaluation.classify': async (request) => library.retrieval.classify(request),
    'evaluation.map': async ({ setId, projection, seed }) => library.retrieval.map(setId, projection, seed),
    'dialog.pickFolder': async ({ title }) => {
      if (!shell.pickFolder) {
        throw new ApiError('UNSUPPORTED', 'Folder dialogs exist only in the desktop app; type the folder path.');
      }
      return { path: await shell.pickFolder(title) };
    },
  };
}
