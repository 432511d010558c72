import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { menuTemplate, type MenuActions } from './menu.ts';

function actions(): MenuActions {
  return {
    openLibrary: vi.fn(),
    newLibrary: vi.fn(),
    openRecent: vi.fn(),
    clearRecent: vi.fn(),
    importFolder: vi.fn(),
    showAbout: vi.fn(),
  };
}

const submenu = (item: MenuItemConstructorOptions | undefined) => (item?.submenu ?? []) as MenuItemConstructorOptions[];
const find = (items: MenuItemConstructorOptions[], label: string) => items.find((item) => item.label === label);
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as () => void)();

describe('menuTemplate', () => {
  it('has File, Edit, View and Help with the library actions', () => {
    const handlers = actions();
    const template = menuTemplate(handlers, { recent: ['/libs/a.pretext'], isDev: false, platform: 'linux' });
    expect(template.map((item) => item.label ?? item.role)).toEqual(['File', 'editMenu', 'View', 'help']);
    const file = submenu(template[0]);
    expect(file.map((item) => item.label ?? item.role ?? item.type)).toEqual([
      'Open Library…',
      'New Library…',
      'Open Recent',
      'separator',
      'Import Folder…',
      'separator',
      'quit',
    ]);
    click(find(file, 'Open Library…'));
    click(find(file, 'New Library…'));
    click(find(file, 'Import Folder…'));
    click(find(submenu(template[3]), 'About Pretext Studio'));
    expect(handlers.openLibrary).toHaveBeenCalledOnce();
    expect(handlers.newLibrary).toHaveBeenCalledOnce();
    expect(handlers.importFolder).toHaveBeenCalledOnce();
    expect(handlers.showAbout).toHaveBeenCalledOnce();
  });

  it('lists recent libraries and clears them', () => {
    const handlers = actions();
    const recentPaths = ['/a.pretext', '/R&D/b.pretext'];
    const template = menuTemplate(handlers, { recent: recentPaths, isDev: false, platform: 'win32' });
    const recent = submenu(find(submenu(template[0]), 'Open Recent'));
    expect(recent.map((item) => item.label ?? item.type)).toEqual([
      '/a.pretext',
      '/R&&D/b.pretext',
      'separator',
      'Clear Recent',
    ]);
    click(recent[1]);
    expect(handlers.openRecent).toHaveBeenCalledWith('/R&D/b.pretext');
    click(find(recent, 'Clear Recent'));
    expect(handlers.clearRecent).toHaveBeenCalledOnce();

    const none = menuTemplate(handlers, { recent: [], isDev: false, platform: 'linux' });
    const empty = submenu(find(submenu(none[0]), 'Open Recent'));
    expect(empty[0]).toMatchObject({ label: 'No Recent Libraries', enabled: false });
    expect(find(empty, 'Clear Recent')?.enabled).toBe(false);
  });

  it('offers DevTools and reload in development only', () => {
    const roles = (isDev: boolean) =>
      submenu(menuTemplate(actions(), { recent: [], isDev, platform: 'linux' })[2]).map((item) => item.role);
    expect(roles(true)).toEqual(expect.arrayContaining(['toggleDevTools', 'reload']));
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
    expect(roles(false)).not.toContain('forceReload');
  });

  it('follows macOS conventions: application and window menus, Quit in the application menu', () => {
    const template = menuTemplate(actions(), { recent: [], isDev: false, platform: 'darwin' });
    const menus = template.map((item) => item.label ?? item.role);
    expect(menus).toEqual(['appMenu', 'File', 'editMenu', 'View', 'windowMenu', 'help']);
    expect(submenu(template[1]).map((item) => item.role)).not.toContain('quit');
  });
});
