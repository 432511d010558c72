// The Electron main process: wiring only. Policy lives in security.ts, the menu in menu.ts, the
// recovery flow in library-opening.ts, the product in src-main/core.
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  session,
  shell,
  type MessageBoxOptions,
  type OpenDialogOptions,
  type SaveDialogOptions,
} from 'electron';
import { extname, join } from 'node:path';
import type { LibraryInfo } from '../shared/dto.ts';
import type { ApiErrorData } from '../shared/errors.ts';
import { toApiError } from '../core/api/dispatch.ts';
import { EventHub } from '../core/jobs/events.ts';
import { createHandlers } from '../core/api/handlers.ts';
import { Studio } from '../core/studio.ts';
import { APP_VERSION } from '../core/version.ts';
import { hardenSession, hardenWebContents, ipcSenderFrame } from './harden.ts';
import { registerIpc } from './ipc.ts';
import {
  openWithRecovery,
  type LibraryOpener,
  type LibraryPurpose,
  type LibraryTarget,
  type RecoveryChoice,
} from './library-opening.ts';
import { menuTemplate, type MenuActions } from './menu.ts';
import { handleAppSchemes, registerAppSchemes } from './protocol.ts';
import { ComputeHost, desktopBackendReport, desktopExtractionWorker, desktopTrainingWorker } from './compute-host.ts';
import { jsonFileStore, RecentLibraries } from '../core/library/recent-libraries.ts';
import { appPage, isTrustedSender, mainWindowOptions } from './security.ts';

const PRODUCT_NAME = 'Pretext Studio';
const LIBRARY_FILTERS = [{ name: 'Pretext library', extensions: ['pretext'] }];
/** How long quitting waits for running jobs to record their state. */
const SHUTDOWN_GRACE_MS = 10_000;

// Same user-data folder for `npm start` and the installed app; tests pass a temporary one.
app.setName(PRODUCT_NAME);
app.setPath('userData', process.env.PRETEXT_USER_DATA ?? join(app.getPath('appData'), PRODUCT_NAME));

const isDev = !app.isPackaged;
// Only a development build may load its UI from the Vite dev server.
const page = appPage(isDev ? process.env.ELECTRON_RENDERER_URL : undefined);
const events = new EventHub();
// WebGPU runs train in a hidden Chromium page: dawn.node cannot load inside Electron.
const computeHost = new ComputeHost(join(import.meta.dirname, '../preload/compute-host.cjs'));
const studio = new Studio({ events, trainingWorker: desktopTrainingWorker(computeHost), extractionWorker: desktopExtractionWorker(computeHost) });
const recent = new RecentLibraries(jsonFileStore(join(app.getPath('userData'), 'recent-libraries.json')));
let mainWindow: BrowserWindow | null = null;
/** Set once the start-up library question is settled; macOS 'activate' must not open a window before. */
let started = false;

function openWindow(): BrowserWindow | undefined {
  return mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined;
}

async function showMessage(options: MessageBoxOptions): Promise<number> {
  const parent = openWindow();
  const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
  return response;
}

async function showOpenDialog(options: OpenDialogOptions): Promise<string | null> {
  const parent = openWindow();
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

async function showSaveDialog(options: SaveDialogOptions): Promise<string | null> {
  const parent = openWindow();
  const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
  return result.canceled || !result.filePath ? null : result.filePath;
}

function pickFolder(title: string): Promise<string | null> {
  return showOpenDialog({ title, properties: ['openDirectory', 'createDirectory'] });
}

async function pickReportFile(title: string, defaultName: string): Promise<string | null> {
  const path = await showSaveDialog({
    title,
    defaultPath: join(app.getPath('documents'), defaultName),
    filters: [{ name: 'HTML report', extensions: ['html'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  return path && extname(path) === '' ? `${path}.html` : path;
}

async function pickLibrary(purpose: LibraryPurpose): Promise<string | null> {
  if (purpose === 'open') {
    return showOpenDialog({ title: 'Open a Pretext library', properties: ['openFile'], filters: LIBRARY_FILTERS });
  }
  const path = await showSaveDialog({
    title: 'Create a Pretext library',
    defaultPath: join(app.getPath('documents'), 'library.pretext'),
    filters: LIBRARY_FILTERS,
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  return path && extname(path) === '' ? `${path}.pretext` : path;
}

async function askAfterFailure(path: string, error: ApiErrorData): Promise<RecoveryChoice> {
  const choices: Array<[RecoveryChoice, string]> = [
    ['open-other', 'Open Another Library…'],
    ['create-new', 'Create New Library…'],
    ['give-up', studio.isOpen ? 'Keep the Current Library' : 'Continue Without a Library'],
    ['quit', 'Quit'],
  ];
  const response = await showMessage({
    type: 'error',
    title: 'Cannot open library',
    message: `Pretext Studio cannot open ${path}`,
    detail: error.message,
    buttons: choices.map(([, label]) => label),
    defaultId: 0,
    cancelId: 2,
    noLink: true,
  });
  return choices[response]?.[0] ?? 'give-up';
}

function showError(title: string, error: unknown): void {
  void showMessage({ type: 'error', title, message: title, detail: toApiError(error).message });
}

const opener: LibraryOpener = {
  open: ({ path, create }) => studio.open(path, create),
  askAfterFailure,
  pickLibrary,
};

async function openFromShell(target: LibraryTarget): Promise<void> {
  if ((await openWithRecovery(target, opener)) === 'quit') app.quit();
}

/** PRETEXT_LIBRARY, else the last library used, else the default one in the user-data folder. */
function startupTarget(): LibraryTarget {
  if (process.env.PRETEXT_LIBRARY) return { path: process.env.PRETEXT_LIBRARY, create: true };
  const last = recentLibraries()[0];
  if (last) return { path: last, create: false };
  return { path: join(app.getPath('userData'), 'library.pretext'), create: true };
}

function recentLibraries(): string[] {
  try {
    return recent.list();
  } catch (error) {
    console.warn(`Could not read the recent libraries: ${(error as Error).message}`);
    return [];
  }
}

function rememberLibrary(info: LibraryInfo): void {
  try {
    recent.add(info.path);
  } catch (error) {
    console.warn(`Could not save the recent libraries: ${(error as Error).message}`);
  }
  refreshMenu();
}

/** Runs a menu action; whatever fails is shown, never an unhandled rejection. */
function inBackground(title: string, task: () => Promise<unknown>): void {
  task().catch((error: unknown) => showError(title, error));
}

const menuActions: MenuActions = {
  openLibrary: () =>
    inBackground('Cannot open the library', async () => {
      const path = await pickLibrary('open');
      if (path) await openFromShell({ path, create: false });
    }),
  newLibrary: () =>
    inBackground('Cannot create the library', async () => {
      const path = await pickLibrary('create');
      if (path) await openFromShell({ path, create: true });
    }),
  openRecent: (path) => inBackground('Cannot open the library', () => openFromShell({ path, create: false })),
  clearRecent: () => {
    try {
      recent.clear();
    } catch (error) {
      showError('Cannot clear the recent libraries', error);
    }
    refreshMenu();
  },
  // The window follows the job through the import.progress / import.finished events.
  importFolder: () =>
    inBackground('Cannot import', async () => {
      const folder = await pickFolder('Choose a folder of videos to import');
      if (folder) await studio.imports.start(folder);
    }),
  showAbout: () =>
    inBackground('About', () =>
      showMessage({
        type: 'info',
        title: `About ${PRODUCT_NAME}`,
        message: `${PRODUCT_NAME} ${APP_VERSION}`,
        detail: [
          'Self-supervised video representations with pretext tasks.',
          '',
          `Electron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
          `${process.platform}-${process.arch}`,
        ].join('\n'),
      }),
    ),
};

function refreshMenu(): void {
  const template = menuTemplate(menuActions, { recent: recentLibraries(), isDev, platform: process.platform });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(join(import.meta.dirname, '../preload/index.cjs'), isDev));
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
    // The hidden compute host window would keep 'window-all-closed' from ever firing.
    if (process.platform !== 'darwin') app.quit();
  });
  window.loadURL(page.entryUrl).catch((error: unknown) => showError('Cannot load the Pretext Studio window', error));
  return window;
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession, page);
  handleAppSchemes(join(import.meta.dirname, '../renderer'), (request) => studio.mediaFile(request));
  registerIpc(
    createHandlers(studio, {
      pickFolder: (title) => pickFolder(title ?? 'Choose a folder of videos'),
      pickSaveFile: pickReportFile,
      recentLibraries,
      backendReport: desktopBackendReport(computeHost),
    }),
    events,
    (event) => isTrustedSender(ipcSenderFrame(event, openWindow()?.webContents ?? null), page),
    () => openWindow()?.webContents ?? null,
  );
  // Every library opened (from the menu, the window or at start-up) joins the recent list.
  events.subscribe((name, payload) => {
    if (name === 'library.changed') rememberLibrary(payload as LibraryInfo);
  });
  refreshMenu();
  if ((await openWithRecovery(startupTarget(), opener)) === 'quit') {
    app.quit();
    return;
  }
  mainWindow = createWindow();
  started = true;
}

function stopJobs(): Promise<void> {
  const grace = new Promise<void>((done) => setTimeout(done, SHUTDOWN_GRACE_MS).unref());
  // The compute host goes after the jobs: a run in it checkpoints through it.
  return Promise.race([studio.close(), grace]).finally(() => computeHost.close());
}

registerAppSchemes();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another window already has this user-data folder (and its library); it is brought forward.
  app.quit();
} else {
  app.on('second-instance', () => {
    const window = openWindow();
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(contents, page, (url) => void shell.openExternal(url)),
  );
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox('Pretext Studio could not start', toApiError(error).message);
      app.exit(1);
    });
  app.on('activate', () => {
    if (started && !openWindow()) mainWindow = createWindow();
  });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Let running jobs record their state before the database closes.
    event.preventDefault();
    quitting = true;
    void stopJobs().finally(() => app.quit());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
