/** A data-parallel replica's thread: the run's network on its own backend, one part of each batch. */
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../compute/backend.ts';
import { runInBackground } from '../jobs/background-priority.ts';
import type { FromPeer, ToPeer } from './gradient-peer-protocol.ts';
import { buildReplica, type Replica } from '../models/trainable-model.ts';

const port = parentPort;
if (!port) throw new Error('the gradient peer must run in a worker thread');
runInBackground();

let replica: Replica | null = null;
let failure: string | null = null;
const reply = (message: FromPeer) => port.postMessage(message);

function started(): Replica {
  if (!replica) throw new Error('the replica was asked to train before it started');
  return replica;
}

async function handle(message: ToPeer): Promise<void> {
  switch (message.type) {
    case 'start':
      await initBackend(message.backend);
      replica = buildReplica(message.config);
      reply({ type: 'ready' });
      return;
    case 'gradients': {
      // Copied, not transferred: on the cpu backend a read-out array may be the backend's own storage.
      reply({ type: 'gradients', result: await started().gradients(message.part, message.seed) });
      return;
    }
    case 'apply':
      started().apply(message.average);
      return;
    case 'load':
      await started().load(message.files);
      reply({ type: 'loaded' });
      return;
  }
}

// One request at a time, in order: an update must land before the next part's gradients.
let queue = Promise.resolve();
port.on('message', (message: ToPeer) => {
  queue = queue.then(async () => {
    if (failure !== null) return reply({ type: 'failed', message: failure });
    try {
      await handle(message);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      reply({ type: 'failed', message: failure });
    }
  });
});
