import { app, BrowserWindow, dialog, session, shell } from 'electron';
import { join } from 'node:path';
import { EventHub } from '../core/api/events.ts';
import { createHandlers } from '../core/api/handlers.ts';
import { LibraryService } from '../core/library/service.ts';
import { registerIpc } from './ipc.ts';
import { handleMediaProtocol, registerMediaScheme } from './protocol.ts';

registerMediaScheme();

const events = new EventHub();
const library = new LibraryService({ events });
let mainWindow: BrowserWindow | null = null;

function rendererEntry(window: BrowserWindow): Promise<void> {
  const devServer = process.env.ELECTRON_RENDERER_URL;
  return devServer
    ? window.loadURL(devServer)
    : window.loadFile(join(import.meta.dirname, '../renderer/index.html'));
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Pretext Studio',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  // No navigation away from the app and no new windows; external links open in the browser.
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void rendererEntry(window);
  return window;
}

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  handleMediaProtocol((kind, id) => library.mediaFile(kind, id));
  const handlers = createHandlers(library, {
    pickFolder: async (title) => {
      const options = { title: title ?? 'Choose a folder of videos', properties: ['openDirectory' as const] };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  });
  registerIpc(
    handlers,
    events,
    (event) => event.senderFrame?.url !== undefined && mainWindow?.webContents === event.sender,
    () => mainWindow?.webContents ?? null,
  );
  library.open(process.env.PRETEXT_LIBRARY ?? join(app.getPath('userData'), 'library.pretext'), true);
  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting) return;
  // Let running jobs record their state before the database closes.
  event.preventDefault();
  quitting = true;
  void library.close().finally(() => app.quit());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
