// The server side of bench:ipc, in a process of its own like `pretext serve`: the same session,
// handlers and bridge. It imports its videos into a fresh library, prints {url, token} once listening,
// and answers the parent's 'loop' message with its event-loop delay since the last one. The source
// tree is an argument so that `--compare` can run an older checkout's server beside this one.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Context from '../src-main/cli/context.ts';
import type * as Handlers from '../src-main/core/api/handlers.ts';
import type * as Server from '../src-main/server/server.ts';
import type * as Videos from '../src-main/core/db/videos.ts';

const [sourceRoot, work, name, librarySize = '0'] = process.argv.slice(2) as [string, string, string, string?];
const load = <T>(path: string) => import(pathToFileURL(join(sourceRoot, path)).href) as Promise<T>;
const { createSession } = await load<typeof Context>('src-main/cli/context.ts');
const { createHandlers } = await load<typeof Handlers>('src-main/core/api/handlers.ts');
const { startBridge } = await load<typeof Server>('src-main/server/server.ts');
const { insertVideo } = await load<typeof Videos>('src-main/core/db/videos.ts');

const session = createSession();
const { studio } = session;
studio.open(join(work, `${name}.pretext`), true);
await studio.imports.wait((await studio.imports.start(join(work, 'videos'))).id);
// A large library's listings without importing thousands of files: records of videos since gone
// (listed and counted like any other, never trained on), under 100 labels.
const { db } = studio.requireOpen();
db.transaction(() => {
  for (let i = 0; i < Number(librarySize); i++) {
    const label = `label${i % 100}`;
    insertVideo(db, {
      path: join(work, 'gone', label, `clip${i}.mp4`), root: join(work, 'gone'), sizeBytes: 1, mtimeMs: 1, contentHash: `gone${i}`,
      media: null, label, status: 'missing', error: 'moved away', duplicateOf: null, thumbnail: null,
    });
  }
})();
const bridge = await startBridge({
  handlers: createHandlers(studio),
  events: session.events,
  mediaFile: (request) => studio.mediaFile(request),
  staticDir: join(work, 'ui'),
});
let loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
process.on('message', (message: { type: 'loop' | 'stop' }) => {
  if (message.type === 'loop') {
    loop.disable();
    process.send?.({ type: 'loop', p99_ms: loop.percentile(99) / 1e6, max_ms: loop.max / 1e6 });
    loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
  } else {
    void bridge
      .close()
      .then(() => studio.close())
      .then(() => process.exit(0));
  }
});
process.send?.({ type: 'ready', url: bridge.url, token: bridge.token });
