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

  it('turns off the Electron features an installed app must not offer', async () => {
    const { electronFuses } = await loadConfig();
    expect(electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
