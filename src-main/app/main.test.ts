// main.ts against a fake 'electron' module: the wiring (schemes before ready, hardened session and
// window, IPC, menu, start-up library, shutdown) is exercised without the Electron binary.
import Database from 'better-sqlite3';
import type { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { METHOD_NAMES, methodChannel } from '../shared/contract.ts';
import { MEDIA_SCHEME } from '../shared/routes.ts';
import { APP_ENTRY_URL, APP_SCHEME } from './security.ts';

interface FakeWindow {
  options: { webPreferences?: Record<string, unknown> };
  loadURL: Mock;
}

interface FakeElectron {
  app: EventEmitter & { setPath: Mock; quit: Mock; exit: Mock };
  ready(): void;
  /** A fresh, not-yet-ready fake for the next import of main.ts. */
  reset(): void;
  windows: FakeWindow[];
  dialog: { showMessageBox: Mock };
  sessionCalls: string[];
  handledSchemes: string[];
  ipcChannels: string[];
  menus: unknown[];
  beforeReady: string[];
}

// vi.mock factories are hoisted above imports; the fake publishes its state here.
const fake = vi.hoisted(() => ({ current: null as unknown }));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  let ready!: () => void;
  let readyPromise: Promise<void>;
  const paths: Record<string, string> = {};
  let isReady = false;
  const beforeReady: string[] = [];
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    setName: vi.fn(),
    setPath: vi.fn((name: string, path: string) => (paths[name] = path)),
    getPath: vi.fn((name: string) => paths[name] ?? join(tmpdir(), `fake-${name}`)),
    enableSandbox: vi.fn(() => !isReady && beforeReady.push('enableSandbox')),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: () => readyPromise,
    isReady: () => isReady,
    quit: vi.fn(),
    exit: vi.fn(),
  });
  const windows: FakeWindow[] = [];
  const sessionCalls: string[] = [];
  const record = (name: string) => vi.fn(() => sessionCalls.push(name));
  const state = {
    app,
    ready: () => {
      isReady = true;
      ready();
    },
    reset: () => {
      readyPromise = new Promise<void>((resolve) => (ready = resolve));
      isReady = false;
      app.removeAllListeners();
      vi.clearAllMocks();
      for (const list of [windows, sessionCalls, beforeReady, state.handledSchemes, state.ipcChannels, state.menus]) {
        list.length = 0;
      }
    },
    windows,
    dialog: {
      showMessageBox: vi.fn(async () => ({ response: 2 })),
      showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })),
      showSaveDialog: vi.fn(async () => ({ canceled: true })),
      showErrorBox: vi.fn(),
    },
    sessionCalls,
    handledSchemes: [] as string[],
    ipcChannels: [] as string[],
    menus: [] as unknown[],
    beforeReady,
  };
  state.reset();
  fake.current = state;
  class BrowserWindow extends Emitter {
    webContents = { isDestroyed: () => false, send: vi.fn() };
    loadURL = vi.fn(async () => undefined);
    constructor(readonly options: FakeWindow['options']) {
      super();
      windows.push(this as unknown as FakeWindow);
    }
    isDestroyed = () => false;
  }
  return {
    app,
    BrowserWindow,
    dialog: state.dialog,
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: (menu: unknown) => state.menus.push(menu),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: record('permissionRequest'),
        setPermissionCheckHandler: record('permissionCheck'),
        setDevicePermissionHandler: record('devicePermission'),
        webRequest: { onBeforeRequest: record('beforeRequest') },
      },
    },
    shell: { openExternal: vi.fn() },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        if (!isReady && schemes.length > 0) beforeReady.push('registerSchemes');
      },
      handle: (scheme: string) => state.handledSchemes.push(scheme),
    },
    ipcMain: { handle: (channel: string) => state.ipcChannels.push(channel), removeHandler: vi.fn() },
  };
});

let dir: string;

beforeEach(() => {
  vi.resetModules();
  dir = mkdtempSync(join(tmpdir(), 'pretext-main-'));
  vi.stubEnv('PRETEXT_USER_DATA', join(dir, 'user data'));
  vi.stubEnv('ELECTRON_RENDERER_URL', '');
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

async function startMain(): Promise<FakeElectron> {
  await import('electron');
  const state = fake.current as FakeElectron;
  state.reset();
  await import('./main.ts');
  state.ready();
  await vi.waitFor(() => expect(state.windows).toHaveLength(1));
  return state;
}

describe('main process', () => {
  it('registers the schemes and the sandbox before ready, then opens a hardened window on the app scheme', async () => {
    const library = join(dir, 'lib.pretext');
    vi.stubEnv('PRETEXT_LIBRARY', library);
    const state = await startMain();

    expect(state.beforeReady).toEqual(['registerSchemes', 'enableSandbox']);
    expect(state.app.setPath).toHaveBeenCalledWith('userData', join(dir, 'user data'));
    expect(state.sessionCalls.sort()).toEqual(['beforeRequest', 'devicePermission', 'permissionCheck', 'permissionRequest']);
    expect(state.handledSchemes.sort()).toEqual([APP_SCHEME, MEDIA_SCHEME].sort());
    expect(state.ipcChannels.sort()).toEqual(METHOD_NAMES.map(methodChannel).sort());
    expect(state.menus.length).toBeGreaterThan(0);

    const [window] = state.windows;
    expect(window?.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(window?.loadURL).toHaveBeenCalledWith(APP_ENTRY_URL);
    expect(existsSync(library)).toBe(true);
    expect(readFileSync(join(dir, 'user data', 'recent-libraries.json'), 'utf8')).toContain(library);
    expect(state.dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('shows a library from a newer version in an error dialog instead of crashing', async () => {
    const library = join(dir, 'future.pretext');
    const db = new Database(library);
    db.pragma('user_version = 999');
    db.close();
    vi.stubEnv('PRETEXT_LIBRARY', library);
    const state = await startMain();

    expect(state.dialog.showMessageBox).toHaveBeenCalledOnce();
    const [options] = state.dialog.showMessageBox.mock.calls[0] as [Record<string, unknown>];
    expect(options).toMatchObject({ type: 'error', message: `Pretext Studio cannot open ${library}` });
    expect(options.detail).toMatch(/newer Pretext Studio/);
    expect(options.buttons).toEqual([
      'Open Another Library…',
      'Create New Library…',
      'Continue Without a Library',
      'Quit',
    ]);
    // "Continue Without a Library" (the mock's answer): the window opens with no library.
    expect(state.app.quit).not.toHaveBeenCalled();
    expect(state.app.exit).not.toHaveBeenCalled();
  });

  it('waits for jobs to stop and the library to close before quitting', async () => {
    vi.stubEnv('PRETEXT_LIBRARY', join(dir, 'lib.pretext'));
    const state = await startMain();
    const event = { preventDefault: vi.fn() };
    state.app.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(state.app.quit).toHaveBeenCalledOnce());
    // The second before-quit (from that quit) goes through.
    const again = { preventDefault: vi.fn() };
    state.app.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });
});
