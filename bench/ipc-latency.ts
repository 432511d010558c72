// UI responsiveness under load: CLIENTS concurrent clients (default 20), each holding the event stream
// open like the UI does and calling a cheap method, two listings and a run's detail over the bridge of
// a server process of its own, idle and while a tiny training run trains (goal: p95 ≤ 50 ms). The
// server's event-loop delay is measured beside it: high round trips with a low loop delay mean CPU
// contention, not a blocked loop. The clients' own loop delay is printed too: the clients share the
// machine, and a round trip they measure includes the time their own loop took to see the reply.
//
//   npm run bench:ipc [-- --clients 20] [--calls 60] [--interval 20] [--library-size 50000] [--compare DIR] [--rounds 2] [--profile DIR]
//
// --calls is how many timed calls each client makes per state, after 5 untimed ones (connections
// opened, code paths warm). --interval is each client's pause between calls (ms): 20 clients at 20 ms offer ~1000 calls/s, the
// outside probe's load test; a real window calls on user actions and change events, far less often.
//
// --library-size adds records of (missing) videos to the 12 real ones, for a large library's listings.
// --compare DIR runs DIR's server (another checkout, e.g. `git worktree add DIR main`) and this one's
// alternately, ABAB, so that a busy machine loads both alike. --profile writes the server's CPU profile.
import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BRIDGE, type MethodName } from '../src-main/shared/contract.ts';
import { trainPreset } from '../src-main/shared/training.ts';
import { synthesizeVideo } from '../src-main/core/media/synthesize.ts';
import { getMediaTools } from '../src-main/core/media/tools.ts';
import { printReport } from './report.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    clients: { type: 'string' },
    interval: { type: 'string', default: '20' },
    compare: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    profile: { type: 'string' },
    'library-size': { type: 'string', default: '0' },
    calls: { type: 'string', default: '60' },
  },
});
const clients = Number(values.clients ?? positionals[0] ?? 20);
const rounds = Number(values.rounds);
const intervalMs = Number(values.interval);
const callsPerClient = Number(values.calls);
/** Untimed calls per client before each measurement: new connections and cold code paths are not the steady state. */
const WARM_UP_CALLS = 5;
const here = resolve(import.meta.dirname, '..');
const sources = values.compare ? [resolve(values.compare), here] : [here];

interface Server {
  child: ChildProcess;
  url: string;
  token: string;
}

function message<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((done, fail) => {
    const onMessage = (value: { type: string }) => {
      if (value.type !== type) return;
      child.off('message', onMessage);
      done(value as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => fail(new Error(`the bench server stopped (exit code ${code})`)));
  });
}

async function startServer(sourceRoot: string, work: string, name: string): Promise<Server> {
  const execArgv = ['--import', 'tsx'];
  if (values.profile) execArgv.push('--cpu-prof', `--cpu-prof-dir=${resolve(values.profile)}`);
  const child = fork(join(here, 'bench/ipc-server.ts'), [sourceRoot, work, name, values['library-size']], { execArgv, cwd: sourceRoot });
  const ready = await message<{ url: string; token: string }>(child, 'ready');
  return { child, url: ready.url, token: ready.token };
}

async function call(server: Server, method: MethodName, input: unknown = {}): Promise<unknown> {
  const response = await fetch(server.url + BRIDGE.callPath(method), {
    method: 'POST',
    headers: { [BRIDGE.tokenHeader]: server.token, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.value;
}

/** Holds the event stream open and reads it, as every UI window does. */
function listen(server: Server, stop: AbortSignal): void {
  void fetch(`${server.url}${BRIDGE.eventsPath}?${BRIDGE.tokenParam}=${server.token}`, { signal: stop })
    .then(async (response) => {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) void chunk;
    })
    .catch(() => undefined);
}

function loopDelay(server: Server): Promise<{ p99_ms: number; max_ms: number }> {
  const reply = message<{ p99_ms: number; max_ms: number }>(server.child, 'loop');
  server.child.send({ type: 'loop' });
  return reply;
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;

async function sample(server: Server, state: string, runId: number | null) {
  const kinds: [MethodName, unknown][] = [
    ['library.current', {}],
    ['videos.list', {}],
    ['training.runs', {}],
    ...(runId === null ? [] : [['training.run', { runId }] as [MethodName, unknown]]),
  ];
  const times = new Map<MethodName, number[]>(kinds.map(([kind]) => [kind, []]));
  const stop = new AbortController();
  for (let i = 0; i < clients; i++) listen(server, stop.signal);
  await loopDelay(server); // starts the loop's measurement afresh
  const clientLoop = monitorEventLoopDelay({ resolution: 10 });
  clientLoop.enable();
  const oneClient = async (first: number, count: number, timed: boolean) => {
    for (let i = 0; i < count; i++) {
      const [kind, input] = kinds[(first + i) % kinds.length] as [MethodName, unknown];
      const started = performance.now();
      await call(server, kind, input);
      if (timed) times.get(kind)?.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, index) => oneClient(index, WARM_UP_CALLS, false)));
  await loopDelay(server);
  clientLoop.reset();
  await Promise.all(Array.from({ length: clients }, (_, index) => oneClient(index, callsPerClient, true)));
  const loop = await loopDelay(server);
  clientLoop.disable();
  stop.abort();
  return [...times, ['all', [...times.values()].flat()] as const].map(([kind, list]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return {
      state,
      call: kind,
      calls: sorted.length,
      p50_ms: percentile(sorted, 0.5),
      p95_ms: percentile(sorted, 0.95),
      p99_ms: percentile(sorted, 0.99),
      max_ms: sorted.at(-1) as number,
      loop_p99_ms: loop.p99_ms,
      loop_max_ms: loop.max_ms,
      client_loop_p99_ms: clientLoop.percentile(99) / 1e6,
    };
  });
}

async function measure(sourceRoot: string, work: string, name: string) {
  const server = await startServer(sourceRoot, work, name);
  const label = sources.length > 1 ? `${name}: ` : '';
  try {
    const rows = await sample(server, `${label}idle`, null);
    for (const [task, backbone] of [['sequence-sorting', 'alexnet'], ['clip-order', 'r3d']] as const) {
      const run = (await call(server, 'training.start', { config: { ...trainPreset(task, backbone, 'tiny'), steps: 100_000 } })) as { id: number };
      await new Promise((done) => setTimeout(done, 5000)); // past preparation, into steady training
      rows.push(...(await sample(server, `${label}training ${task} / ${backbone}`, run.id)));
      await call(server, 'training.cancel', { runId: run.id });
      while (((await call(server, 'training.run', { runId: run.id })) as { run: { status: string } }).run.status === 'running') {
        await new Promise((done) => setTimeout(done, 200));
      }
    }
    return rows;
  } finally {
    const exited = new Promise((done) => server.child.once('exit', done));
    server.child.send({ type: 'stop' });
    await exited;
  }
}

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
  mkdirSync(join(work, 'ui'));
  const rows = [];
  for (let round = 0; round < rounds; round++) {
    for (const [index, sourceRoot] of sources.entries()) {
      const name = sources.length > 1 ? `${index === 0 ? 'A' : 'B'}${round + 1}` : `run${round + 1}`;
      rows.push(...(await measure(sourceRoot, work, name)));
    }
  }
  printReport('contract call round trip under load', rows, { clients, intervalMs, librarySize: Number(values['library-size']), sources });
} finally {
  rmSync(work, { recursive: true, force: true });
}
