// The application menu as data (Electron's template format); main.ts builds it with Menu.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openLibrary(): void;
  newLibrary(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  importFolder(): void;
  showAbout(): void;
}

export interface MenuContext {
  recent: readonly string[];
  /** Development build: reload and DevTools are offered. */
  isDev: boolean;
  platform: NodeJS.Platform;
}

const separator: MenuItemConstructorOptions = { type: 'separator' };

export function menuTemplate(actions: MenuActions, context: MenuContext): MenuItemConstructorOptions[] {
  const isMac = context.platform === 'darwin';
  // Outside macOS "&" marks a keyboard mnemonic; a path may contain one.
  const pathLabel = (path: string) => (isMac ? path : path.replaceAll('&', '&&'));
  const recentItems: MenuItemConstructorOptions[] =
    context.recent.length === 0
      ? [{ label: 'No Recent Libraries', enabled: false }]
      : context.recent.map((path) => ({ label: pathLabel(path), click: () => actions.openRecent(path) }));

  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Library…', accelerator: 'CmdOrCtrl+O', click: () => actions.openLibrary() },
      { label: 'New Library…', accelerator: 'CmdOrCtrl+N', click: () => actions.newLibrary() },
      {
        label: 'Open Recent',
        submenu: [
          ...recentItems,
          separator,
          { label: 'Clear Recent', enabled: context.recent.length > 0, click: () => actions.clearRecent() },
        ],
      },
      separator,
      { label: 'Import Folder…', accelerator: 'CmdOrCtrl+I', click: () => actions.importFolder() },
      // On macOS Quit lives in the application menu.
      ...(isMac ? [] : [separator, { role: 'quit' } as const]),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(context.isDev
        ? [{ role: 'reload' } as const, { role: 'forceReload' } as const, { role: 'toggleDevTools' } as const, separator]
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [{ label: 'About Pretext Studio', click: () => actions.showAbout() }],
  };
  return [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    file,
    { role: 'editMenu' },
    view,
    ...(isMac ? [{ role: 'windowMenu' } as const] : []),
    help,
  ];
}
