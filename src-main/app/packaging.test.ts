// electron-builder.yml, read and schema-checked by electron-builder's own loader: `npm run dist`
// needs the Electron download, so this is what CI can check of the installers' configuration.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId: string;
  productName: string;
  /** The loader turns the list into file sets. */
  files: Array<string | { filter: string[] }>;
  asar: boolean;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; category: string; icon: string };
  mac: { target: string; category: string };
  win: { target: string };
}

async function loadConfig(): Promise<BuilderConfig> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    getConfig(projectDir: string, configPath: string | null, overrides: null): Promise<unknown>;
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const config = await getConfig(root, resolve(root, 'electron-builder.yml'), null);
  await validateConfiguration(config, new DebugLogger(false));
  return config as BuilderConfig;
}

describe('electron-builder.yml', () => {
  it('is valid and builds the installers users download', async () => {
    const config = await loadConfig();
    expect(config.productName).toBe('Pretext Studio');
    expect(config.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Science');
    expect(config.mac).toMatchObject({ target: 'dmg', category: 'public.app-category.education' });
    expect(config.win.target).toBe('nsis');
  });

  it('packages the bundles but not Electron itself, and unpacks binaries and native modules', async () => {
    const config = await loadConfig();
    const files = config.files.flatMap((entry) => (typeof entry === 'string' ? [entry] : entry.filter));
    expect(files).toEqual(expect.arrayContaining(['out/**/*', 'package.json', '!node_modules/electron/**']));
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        'node_modules/ffmpeg-static/**',
        'node_modules/@ffmpeg-installer/**',
        'node_modules/ffprobe-static/**',
        '**/*.node',
      ]),
    );
  });

  it('flips every Electron fuse, as electron-builder writes them into the binary: no Node mode, asar only and checked, cookies encrypted', async () => {
    const config = await loadConfig();
    expect(config.asar).toBe(true);
    const { PlatformPackager } = require('app-builder-lib') as {
      PlatformPackager: { prototype: { generateFuseConfig(fuses: Record<string, boolean>): Promise<Record<string, unknown>> } };
    };
    const { FuseV1Options, FuseVersion } = await import('@electron/fuses');
    const wire = await PlatformPackager.prototype.generateFuseConfig.call(null, config.electronFuses);
    const expected: Record<keyof typeof FuseV1Options, boolean> = {
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
    };
    // Every fuse this Electron knows is decided (a new one fails here until it is).
    const fuseNames = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key))) as (keyof typeof FuseV1Options)[];
    expect(fuseNames.sort()).toEqual(Object.keys(expected).sort());
    expect(wire.version).toBe(FuseVersion.V1);
    for (const name of fuseNames) expect([name, wire[FuseV1Options[name]]]).toEqual([name, expected[name]]);
  });
});
