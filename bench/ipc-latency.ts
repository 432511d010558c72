// UI responsiveness while training: p50/p95/max round trip of a cheap contract call over the bridge
// from CLIENTS concurrent clients (default 20; `npm run bench:ipc -- 1` for one), idle and with a tiny
// training run in its worker thread (goal: p95 ≤ 50 ms). The main loop's own delay is measured
// beside it: high round trips with a low loop delay mean CPU contention, not a blocked event loop.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { BRIDGE } from '../src-main/shared/contract.ts';
import { trainPreset } from '../src-main/shared/training.ts';
import { EventHub } from '../src-main/core/jobs/events.ts';
import { createHandlers } from '../src-main/core/api/handlers.ts';
import { MEDIA_NOT_FOUND } from '../src-main/core/library/media-access.ts';
import { Studio } from '../src-main/core/studio.ts';
import { synthesizeVideo } from '../src-main/core/media/synthesize.ts';
import { getMediaTools } from '../src-main/core/media/tools.ts';
import { startBridge } from '../src-main/server/server.ts';
import { printReport } from './report.ts';

const work = mkdtempSync(join(tmpdir(), 'pretext-bench-ipc-'));
try {
  const tools = await getMediaTools();
  for (const direction of ['left', 'right', 'up', 'down'] as const) {
    mkdirSync(join(work, 'videos', direction), { recursive: true });
    for (let i = 0; i < 3; i++) {
      await synthesizeVideo(tools, join(work, 'videos', direction, `clip_${i}.mp4`), {
        seconds: 4, width: 160, height: 120, fps: 25, pattern: 'moving-box', direction, seed: i,
      });
    }
  }
  const staticDir = join(work, 'ui');
  mkdirSync(staticDir);
  const events = new EventHub();
  const library = new Studio({ events });
  library.open(join(work, 'lib.pretext'), true);
  await library.imports.wait((await library.imports.start(join(work, 'videos'))).id);
  const bridge = await startBridge({ handlers: createHandlers(library), events, mediaFile: async () => MEDIA_NOT_FOUND, staticDir });

  const clients = Number(process.argv[2] ?? 20);
  const callsPerClient = Math.max(10, Math.round(400 / clients));
  // The clients run in a thread of their own: their fetch work must not load the server's event loop.
  const clientScript = `
    const { parentPort, workerData: { url, token, header, clients, calls } } = require('node:worker_threads');
    const oneClient = async (times) => {
      for (let i = 0; i < calls; i++) {
        const started = performance.now();
        const response = await fetch(url, { method: 'POST', headers: { [header]: token, 'content-type': 'application/json' }, body: '{}' });
        await response.json();
        times.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const times = [];
    Promise.all(Array.from({ length: clients }, () => oneClient(times))).then(() => parentPort.postMessage(times));
  `;
  const sample = async () => {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const worker = new Worker(clientScript, {
      eval: true,
      workerData: { url: bridge.url + BRIDGE.callPath('library.current'), token: bridge.token, header: BRIDGE.tokenHeader, clients, calls: callsPerClient },
    });
    const times = await new Promise<number[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    loop.disable();
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
    return {
      clients,
      calls: times.length,
      p50_ms: at(0.5),
      p95_ms: at(0.95),
      max_ms: times.at(-1) as number,
      loop_delay_p99_ms: loop.percentile(99) / 1e6,
      loop_delay_max_ms: loop.max / 1e6,
    };
  };

  const rows = [{ state: 'idle', ...(await sample()) }];
  for (const [task, backbone] of [['sequence-sorting', 'alexnet'], ['clip-order', 'r3d']] as const) {
    const run = library.training.start({ ...trainPreset(task, backbone, 'tiny'), steps: 100_000 });
    await new Promise((resolve) => setTimeout(resolve, 5000)); // past preparation, into steady training
    rows.push({ state: `training ${task} / ${backbone}`, ...(await sample()) });
    library.training.cancel(run.id);
    await library.training.wait(run.id);
  }
  await bridge.close();
  await library.close();
  printReport('contract call round trip while training', rows);
} finally {
  rmSync(work, { recursive: true, force: true });
}
