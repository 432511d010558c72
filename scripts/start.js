#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run, otherwise serve mode in the browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants, homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { findDesktop } from './desktop.js';

const root = resolve(import.meta.dirname, '..');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function build() {
  run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
}

/**
 * Runs the app (Electron or serve) in this process's place: our signals go to it and its exit code is
 * ours. npm runs this script through `sh -c`, which dies of npm's SIGTERM without passing it on; once
 * our parent is gone we stop the app ourselves, so stopping npm never leaves a server running.
 */
function runInPlace(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid !== parent) child.kill('SIGTERM');
  }, 500);
  child.on('exit', (code, signal) => {
    clearInterval(orphaned);
    process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
  });
}

const desktop = process.argv.includes('--serve')
  ? null
  : findDesktop({ env: process.env, platform: process.platform, require: createRequire(import.meta.url), exists: existsSync });
if (desktop && 'electron' in desktop) {
  build();
  run(process.execPath, [join(root, 'scripts/electron-native.js')]);
  runInPlace(desktop.electron, [root], {
    ...process.env,
    PRETEXT_SQLITE_BINDING: join(root, 'node_modules/.pretext-electron/better_sqlite3.node'),
  });
} else {
  if (desktop) {
    console.log(
      `Serve mode: the same app in your browser. The desktop window needs Electron, and ${desktop.reason}.\n` +
        `To get the window: ${desktop.nextStep}, then npm start.\n`,
    );
  }
  const library = process.env.PRETEXT_LIBRARY ?? join(homedir(), '.pretext-studio', 'library.pretext');
  mkdirSync(dirname(library), { recursive: true });
  if (!existsSync(join(root, 'out/renderer/index.html'))) build();
  const serveArgs = process.argv.slice(2).filter((a) => a !== '--serve');
  runInPlace(process.execPath, [join(root, 'bin/pretext.js'), 'serve', '--library', library, '--create', ...serveArgs]);
}
