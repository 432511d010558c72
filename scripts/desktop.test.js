import { describe, expect, it } from 'vitest';
import { findDesktop } from './desktop.js';

const BINARY = '/opt/electron/electron';

/** A require that finds the electron package (or not) and what its index exports (or throws). */
function fakeRequire({ installed, exports }) {
  const require = () => {
    if (exports instanceof Error) throw exports;
    return exports;
  };
  require.resolve = (id) => {
    if (!installed) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    return `/repo/node_modules/${id}`;
  };
  return require;
}

const desktopSession = { DISPLAY: ':0' };
const host = (overrides) => ({
  env: desktopSession,
  platform: 'linux',
  require: fakeRequire({ installed: true, exports: BINARY }),
  exists: (path) => path === BINARY,
  ...overrides,
});

describe('findDesktop', () => {
  it('runs the binary the electron package names in a desktop session', () => {
    expect(findDesktop(host({}))).toEqual({ electron: BINARY });
    expect(findDesktop(host({ env: { WAYLAND_DISPLAY: 'wayland-0' } }))).toEqual({ electron: BINARY });
    expect(findDesktop(host({ env: {}, platform: 'darwin' }))).toEqual({ electron: BINARY });
  });

  it('without the electron package (npm drops it when the download fails), says to npm install with network', () => {
    const desktop = findDesktop(host({ require: fakeRequire({ installed: false }) }));
    expect(desktop).toEqual({ reason: expect.stringMatching(/^the electron package is not installed/), nextStep: 'run npm install again where github.com is reachable' });
  });

  it('with the package but no binary (skipped or failed download), says how to fetch the binary', () => {
    const failedInstall = new Error('Electron failed to install correctly, please delete node_modules/electron and try installing again');
    for (const require of [fakeRequire({ installed: true, exports: failedInstall }), fakeRequire({ installed: true, exports: '/gone/electron' })]) {
      expect(findDesktop(host({ require }))).toEqual({
        reason: 'the electron package has no binary (its download was skipped or failed)',
        nextStep: 'run node node_modules/electron/install.js where github.com is reachable',
      });
    }
  });

  it('honours ELECTRON_EXEC_PATH, and says so when it points nowhere', () => {
    const noPackage = fakeRequire({ installed: false });
    const custom = '/custom/electron';
    const exists = (path) => path === custom;
    expect(findDesktop(host({ env: { ...desktopSession, ELECTRON_EXEC_PATH: custom }, require: noPackage, exists }))).toEqual({ electron: custom });
    expect(findDesktop(host({ env: { ...desktopSession, ELECTRON_EXEC_PATH: '/nowhere' }, require: noPackage, exists }))).toEqual({
      reason: 'ELECTRON_EXEC_PATH=/nowhere does not exist',
      nextStep: 'point ELECTRON_EXEC_PATH at an Electron binary',
    });
  });

  it('on Linux without a display (an SSH session, CI), serves instead of failing to open a window', () => {
    expect(findDesktop(host({ env: {} }))).toEqual({
      reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)',
      nextStep: 'run npm start in a desktop session',
    });
  });
});
