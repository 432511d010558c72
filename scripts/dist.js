#!/usr/bin/env node
// `npm run dist [-- <electron-builder options>]`: builds the app and packages it with electron-builder
// (electron-builder.yml): AppImage and deb on Linux, dmg on macOS, nsis on Windows, each on its own OS.
//
// electron-builder rebuilds native modules for Electron's ABI *in place* in node_modules (this is a
// single-package.json project). Tests, the CLI and serve mode need the Node builds there, so the
// build folders of native modules are set aside first and put back afterwards, even on failure.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const modules = join(root, 'node_modules');

function run(script, args) {
  const result = spawnSync(process.execPath, [join(modules, script), ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** `build/` folders of installed packages that compile native code (those with a binding.gyp). */
function nativeBuildFolders() {
  const packages = readdirSync(modules).flatMap((name) =>
    name.startsWith('@') ? readdirSync(join(modules, name)).map((inner) => join(name, inner)) : [name],
  );
  return packages
    .map((name) => join(modules, name))
    .filter((folder) => existsSync(join(folder, 'binding.gyp')) && existsSync(join(folder, 'build')))
    .map((folder) => join(folder, 'build'));
}

const saved = mkdtempSync(join(tmpdir(), 'pretext-native-builds-'));
const folders = nativeBuildFolders();
folders.forEach((folder, index) => cpSync(folder, join(saved, String(index)), { recursive: true }));
try {
  run('electron-vite/bin/electron-vite.js', ['build']);
  run('electron-builder/cli.js', ['--config', 'electron-builder.yml', ...process.argv.slice(2)]);
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
} finally {
  folders.forEach((folder, index) => {
    rmSync(folder, { recursive: true, force: true });
    cpSync(join(saved, String(index)), folder, { recursive: true });
  });
  rmSync(saved, { recursive: true, force: true });
}
