#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run, otherwise serve mode in the browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  if (process.env.ELECTRON_EXEC_PATH) return existsSync(process.env.ELECTRON_EXEC_PATH) ? process.env.ELECTRON_EXEC_PATH : null;
  try {
    const path = require('electron'); // the package exports the binary's path
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function build() {
  run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
}

const electron = electronBinary();
if (electron && !process.argv.includes('--serve')) {
  build();
  run(process.execPath, [join(root, 'scripts/electron-native.js')]);
  const child = spawn(electron, [root], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PRETEXT_SQLITE_BINDING: join(root, 'node_modules/.pretext-electron/better_sqlite3.node') },
  });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!electron) {
    console.log(
      'Electron is not available on this machine (its binary was not downloaded), so Pretext Studio\n' +
        'starts in serve mode: the same app in your browser. Install Electron with network access\n' +
        '(npm install) to get the desktop window.\n',
    );
  }
  const library = process.env.PRETEXT_LIBRARY ?? join(homedir(), '.pretext-studio', 'library.pretext');
  mkdirSync(dirname(library), { recursive: true });
  if (!existsSync(join(root, 'out/renderer/index.html'))) build();
  run(process.execPath, [join(root, 'bin/pretext.js'), 'serve', '--library', library, '--create', ...process.argv.slice(2).filter((a) => a !== '--serve')]);
}
