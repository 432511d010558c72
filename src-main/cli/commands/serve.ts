import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHandlers } from '../../core/api/handlers.ts';
import { backendReport } from '../../core/compute/backend.ts';
import { jsonFileStore, RecentLibraries } from '../../core/library/recent-libraries.ts';
import { mediaToolsStatus } from '../../core/media/tools.ts';
import { isLoopbackHost, startBridge } from '../../server/server.ts';
import { CliError, createSession, requireLibrary, type CommandContext } from '../context.ts';
import { setupReport } from '../setup-report.ts';

const PACKAGE_ROOT = resolve(import.meta.dirname, '../../..');
export const RENDERER_DIR = resolve(PACKAGE_ROOT, 'out/renderer');

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be 0–65535, got "${text}".`);
  return port;
}

/** Serves the app over HTTP on loopback until interrupted. */
export async function runServe(context: CommandContext): Promise<number> {
  const port = parsePort(context.options.port);
  const host = context.options.host ?? '127.0.0.1';
  if (!existsSync(resolve(RENDERER_DIR, 'index.html'))) {
    throw new CliError(`The UI is not built (${RENDERER_DIR} is missing). Run "npm run build" first.`, 1);
  }
  const session = createSession();
  // Like the desktop app, serve remembers the libraries it opened (PRETEXT_USER_DATA moves the list).
  const recent = new RecentLibraries(
    jsonFileStore(join(process.env.PRETEXT_USER_DATA ?? join(homedir(), '.pretext-studio'), 'recent-libraries.json')),
  );
  const remember = (path: string) => {
    try {
      recent.add(path);
    } catch (error) {
      console.warn(`Could not save the recent libraries: ${(error as Error).message}`);
    }
  };
  session.events.subscribe((name, payload) => {
    if (name === 'library.changed') remember((payload as { path: string }).path);
  });
  remember(session.studio.open(requireLibrary(context), context.options.create ?? false).path);
  const bridge = await startBridge({
    handlers: createHandlers(session.studio, {
      recentLibraries: () => {
        try {
          return recent.list();
        } catch {
          return [];
        }
      },
    }),
    events: session.events,
    mediaFile: (request) => session.studio.mediaFile(request),
    staticDir: RENDERER_DIR,
    host,
    port,
  });
  if (!isLoopbackHost(host)) {
    console.error(
      `warning: serving on ${host}: anyone who can reach this address and has the URL's token can read ` +
        'and change this library. Prefer an SSH tunnel to 127.0.0.1.',
    );
  }
  // `on`, not `once`: `npm start` passes on the Ctrl-C the terminal also sends here, and a second signal
  // must not kill the server half way through closing the library.
  const stopped = new Promise<void>((done) => {
    process.on('SIGINT', () => done());
    process.on('SIGTERM', () => done());
  });
  if (context.json) console.log(JSON.stringify({ url: bridge.openUrl, port: bridge.port }));
  else {
    // A failed check must not keep the app from starting: the report says what could not be checked.
    const compute = await backendReport().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    console.log(setupReport(await mediaToolsStatus(), compute).join('\n'));
    console.log(`Pretext Studio is serving ${session.studio.current()?.path}\nOpen ${bridge.openUrl}`);
  }

  await stopped;
  await bridge.close();
  await session.studio.close();
  return 0;
}
