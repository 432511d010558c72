/**
 * The replicas of a data-parallel run (data-parallel.ts) as worker threads beside the training
 * thread, one per extra core. A replica that fails or stops fails the step that waits on it, and
 * every later one: its weights may no longer match the run's.
 */
import type { Worker } from 'node:worker_threads';
import type { TrainConfig } from '../../shared/training.ts';
import type { ConcreteBackend } from '../compute/backend.ts';
import { spawnCoreWorker } from '../jobs/worker-host.ts';
import type { GradientPeers } from '../models/data-parallel.ts';
import type { FromPeer, ToPeer } from './gradient-peer-protocol.ts';
import type { PartGradients } from '../models/train-step.ts';

interface Pending {
  expects: FromPeer['type'];
  resolve(message: FromPeer): void;
  reject(error: Error): void;
}

/** One replica thread: requests answered in order. */
function connect(worker: Worker, index: number) {
  const pending: Pending[] = [];
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure ??= error;
    for (const waiting of pending.splice(0)) waiting.reject(failure);
  };
  worker.on('message', (message: FromPeer) => {
    if (message.type === 'failed') return fail(new Error(`data-parallel replica ${index + 1} failed: ${message.message}`));
    const waiting = pending.shift();
    if (!waiting || waiting.expects !== message.type) return fail(new Error(`data-parallel replica ${index + 1} answered ${message.type} out of turn`));
    waiting.resolve(message);
  });
  worker.on('error', (error) => fail(new Error(`data-parallel replica ${index + 1} stopped: ${error.message}`)));
  worker.on('exit', (code) => fail(new Error(`data-parallel replica ${index + 1} stopped (exit code ${code})`)));
  const send = (message: ToPeer, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  return {
    send,
    request<T extends FromPeer['type']>(message: ToPeer, expects: T, transfer: ArrayBuffer[] = []): Promise<Extract<FromPeer, { type: T }>> {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        pending.push({ expects, resolve: resolve as (message: FromPeer) => void, reject });
        send(message, transfer);
      });
    },
    close: () => {
      failure ??= new Error(`data-parallel replica ${index + 1} was closed`);
      void worker.terminate();
    },
  };
}

/** `count` replicas of the run's network on `backend`, started and ready (their seeded weights match the run's). */
export async function startGradientPeers(config: TrainConfig, backend: ConcreteBackend, count: number): Promise<GradientPeers> {
  const peers = Array.from({ length: count }, (_, index) => connect(spawnCoreWorker('gradient-peer'), index));
  const closeAll = () => peers.forEach((peer) => peer.close());
  try {
    await Promise.all(peers.map((peer) => peer.request({ type: 'start', config, backend }, 'ready')));
  } catch (error) {
    closeAll();
    throw error;
  }
  return {
    count,
    gradients: (parts, seeds): Promise<PartGradients[]> =>
      Promise.all(
        parts.map(async (part, index) => {
          const peer = peers[index];
          if (!peer) throw new RangeError(`no replica for part ${index + 2}`);
          const answer = await peer.request({ type: 'gradients', part, seed: seeds[index] as number }, 'gradients', [part.inputs.buffer as ArrayBuffer]);
          return answer.result;
        }),
      ),
    apply: (average) => peers.forEach((peer) => peer.send({ type: 'apply', average })),
    load: async (files) => {
      await Promise.all(peers.map((peer) => peer.request({ type: 'load', files }, 'loaded')));
    },
    dispose: closeAll,
  };
}
