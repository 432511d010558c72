import { EventHub } from '../core/jobs/events.ts';
import { createHandlers } from '../core/api/handlers.ts';
import { Studio } from '../core/studio.ts';
import { callerFor, type Caller } from './client.ts';

export interface CommandContext {
  args: string[];
  options: {
    library?: string | undefined;
    port?: string | undefined;
    host?: string | undefined;
    create?: boolean | undefined;
    label?: string | undefined;
    status?: string | undefined;
    search?: string | undefined;
    videos?: string | undefined;
    task?: string | undefined;
    preset?: string | undefined;
    seed?: string | undefined;
    video?: string | undefined;
    backbone?: string | undefined;
    steps?: string | undefined;
    backend?: string | undefined;
    replicas?: string | undefined;
    resume?: string | undefined;
    run?: string | undefined;
    set?: string | undefined;
    like?: string | undefined;
    checkpoint?: string | undefined;
    k?: string | undefined;
    clip?: string | undefined;
    format?: string | undefined;
    out?: string | undefined;
    'test-fraction'?: string | undefined;
    'test-list'?: string | undefined;
    'split-seed'?: string | undefined;
    method?: string | undefined;
    protocol?: string | undefined;
    projection?: string | undefined;
  };
  json: boolean;
}

/** A usage or input problem of the command line itself; exit code 2 by convention. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function requireLibrary(context: CommandContext): string {
  if (!context.options.library) throw new CliError('--library FILE is required.');
  return context.options.library;
}

export interface Session {
  events: EventHub;
  studio: Studio;
  call: Caller;
}

/** Wires the plain-Node studio the CLI commands drive (the same one the app and bridge use). */
export function createSession(): Session {
  const events = new EventHub();
  const studio = new Studio({ events });
  return { events, studio, call: callerFor(createHandlers(studio)) };
}

/** Ctrl-C cancels the running job gracefully the first time and exits the second time. */
export function onInterrupt(cancel: () => void): () => void {
  let interrupted = false;
  const handler = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nCancelling… (press Ctrl-C again to quit at once)\n');
    cancel();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
