import { ApiError } from '../../shared/errors.ts';
import { listTasks } from '../../shared/tasks.ts';
import { trainPreset } from '../../shared/training.ts';
import { backendReport } from '../compute/backend.ts';
import { mediaToolsStatus } from '../media/tools.ts';
import type { Studio } from '../studio.ts';
import { APP_VERSION } from '../version.ts';
import type { Handlers } from './dispatch.ts';
import { exportRunBundle } from '../interop/export-bundle.ts';
import { fiftyOneExport, writeExportFolder } from '../retrieval/fiftyone-export.ts';
import { tarArchive } from '../util/tar.ts';
import { importWeights } from '../interop/import-weights.ts';
import { exportReport } from './report.ts';
import type { ShellCapabilities } from './shell.ts';

/** The one implementation of every contract method, shared by Electron IPC, the bridge and tests. */
export function createHandlers(studio: Studio, shell: ShellCapabilities = {}): Handlers {
  return {
    'app.info': async () => ({
      version: APP_VERSION,
      platform: `${process.platform}-${process.arch}`,
      mediaTools: await mediaToolsStatus(),
    }),
    'library.current': async () => studio.current(),
    'library.open': async ({ path, create, readOnly }) => studio.open(path, create, { readOnly }),
    'library.recent': async () => shell.recentLibraries?.() ?? [],
    'import.start': async ({ folder }) => studio.imports.start(folder),
    'import.cancel': async ({ jobId }) => studio.imports.cancel(jobId),
    'import.jobs': async ({ limit }) => studio.imports.jobs(limit),
    'import.failures': async ({ jobId }) => studio.imports.failures(jobId),
    'videos.list': async (filter) => studio.videos(filter),
    'videos.get': async ({ id }) => studio.video(id),
    'tasks.list': async () => listTasks(),
    'tasks.sample': async (request) => studio.previewTuple(request),
    'training.backends': async () => (shell.backendReport ?? backendReport)(),
    'training.preset': async ({ task, backbone, preset }) => trainPreset(task, backbone, preset),
    'training.start': async ({ config }) => studio.training.start(config),
    'training.finetune': async (request) => studio.training.finetune(request),
    'training.cancel': async ({ runId }) => studio.training.cancel(runId),
    'training.resume': async ({ runId }) => studio.training.resume(runId),
    'training.runs': async (filter) => studio.training.runs(filter),
    'training.update': async ({ runId, name, note }) => studio.training.update(runId, { name, note }),
    'training.delete': async ({ runId }) => {
      const deleted = studio.training.delete(runId);
      for (const setId of deleted.featureSets) studio.retrieval.forget(setId);
      return deleted;
    },
    'training.run': async ({ runId }) => studio.training.run(runId),
    'training.exportBundle': async ({ runId, folder }) => {
      const { db, tools } = studio.requireOpen();
      return exportRunBundle(db, await tools(), runId, folder);
    },
    'training.importWeights': async (request) => {
      const { db, paths, jobs } = studio.requireOpen();
      return importWeights(db, paths, request, (create) => jobs.own('training', create));
    },
    'features.sets': async () => studio.features.sets(),
    'features.extract': async ({ source, protocol }) => studio.features.extract({ ...source, protocol }),
    'features.update': async ({ setId }) => studio.features.update(setId),
    'features.cancel': async ({ setId }) => studio.features.cancel(setId),
    'features.delete': async ({ setId }) => {
      const deleted = studio.features.delete(setId);
      studio.retrieval.forget(setId);
      return deleted;
    },
    'features.exportFiftyOne': async ({ setId, seed, testFraction }) => {
      const split = await studio.retrieval.split({ seed, testFraction });
      const { files, videos } = await fiftyOneExport(studio.requireOpen().db, setId, split);
      const name = `pretext-fiftyone-set-${setId}`;
      if (!shell.pickFolder) {
        return { kind: 'archive', fileName: `${name}.tar`, base64: Buffer.from(tarArchive(name, files)).toString('base64'), videos };
      }
      const folder = await shell.pickFolder('Choose a new or empty folder for the FiftyOne export');
      if (!folder) return { kind: 'cancelled' };
      await writeExportFolder(folder, files);
      return { kind: 'folder', folder, videos };
    },
    'retrieval.query': async (query) => studio.retrieval.neighbours(query),
    'evaluation.table': async (request) => studio.retrieval.evaluate(request),
    'evaluation.classify': async (request) => studio.retrieval.classify(request),
    'evaluation.map': async ({ setId, projection, seed }) => studio.retrieval.map(setId, projection, seed),
    'evaluation.report': async (request) => exportReport(studio, shell, request),
    'dialog.pickFolder': async ({ title }) => {
      if (!shell.pickFolder) {
        throw new ApiError('UNSUPPORTED', 'Folder dialogs exist only in the desktop app; type the folder path.');
      }
      return { path: await shell.pickFolder(title) };
    },
  };
}
