import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

describe.runIf(process.platform === 'linux')('runInBackground', () => {
  it('lowers the calling worker thread only, never the main thread that answers the UI', async () => {
    const before = getPriority();
    const module = new URL('./background-priority.ts', import.meta.url).href;
    // A worker of the kind the core starts (through the same tsx boot), reporting its own priority.
    const entry = `data:text/javascript,${encodeURIComponent(
      `import { parentPort } from 'node:worker_threads'; import { getPriority } from 'node:os';
       const { runInBackground } = await import(${JSON.stringify(module)});
       runInBackground(); parentPort.postMessage(getPriority());`,
    )}`;
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { entry } });
    const workerPriority = await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(workerPriority).toBeGreaterThan(before);
    expect(getPriority()).toBe(before);
  });
});
