#!/usr/bin/env node
// better-sqlite3 is compiled for one ABI at a time. Tests, the CLI and serve mode use Node's build in
// node_modules; the Electron app loads a second build made here for Electron's ABI (its path goes to
// the app in PRETEXT_SQLITE_BINDING), so neither side ever breaks the other.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const outDir = join(root, 'node_modules/.pretext-electron');
const binding = join(outDir, 'better_sqlite3.node');
const stamp = join(outDir, 'electron-version');

if (existsSync(binding) && existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion) process.exit(0);

const source = join(root, 'node_modules/better-sqlite3');
const work = join(outDir, 'better-sqlite3');
rmSync(work, { recursive: true, force: true });
cpSync(source, work, { recursive: true, filter: (path) => !path.startsWith(join(source, 'build')) });

console.log(`Preparing better-sqlite3 for Electron ${electronVersion}…`);
const prebuilt = spawnSync(
  process.execPath,
  [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', electronVersion, '--arch', process.arch],
  { cwd: work, stdio: 'inherit' },
);
if (prebuilt.status !== 0) {
  // npm ships node-gyp; npx finds it (or fetches it from the registry).
  const compiled = spawnSync(
    process.platform === 'win32' ? 'npx.cmd' : 'npx',
    ['--yes', 'node-gyp', 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers', `--arch=${process.arch}`],
    { cwd: work, stdio: 'inherit' },
  );
  if (compiled.status !== 0) {
    console.error('Could not build better-sqlite3 for Electron (no prebuilt binary and no compiler/headers).');
    process.exit(1);
  }
}
copyFileSync(join(work, 'build/Release/better_sqlite3.node'), binding);
writeFileSync(stamp, electronVersion);
rmSync(work, { recursive: true, force: true });
