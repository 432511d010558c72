/**
 * This process as an owner of jobs in one library, and the judgement whether another owner is gone.
 *
 * An owner is gone when, on this host, its process no longer exists (or its pid now names another
 * process: the start token differs); on another host (a library on a network share) when it has not
 * renewed its lease for LEASE_MS. The lease also catches what pid checks cannot: a reused pid where
 * the system gives no start token. kill -9 cannot clean up, so nothing here relies on the owner's exit.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { WritableDB } from '../db/connection.ts';
import {
  claimJob,
  closeAbandonedJobs,
  orphanedJobIds,
  removeOwner,
  saveOwner,
  type JobKind,
  type JobOwner,
} from '../db/job-owners.ts';

/** How often an owner renews its lease. */
export const HEARTBEAT_MS = 10_000;
/** A lease not renewed for this long means its owner is gone; generous for clock skew between hosts. */
export const LEASE_MS = 60_000;

export interface ProcessState {
  exists: boolean;
  /** What names this process beyond its pid, or null where the system does not say. */
  startToken: string | null;
}

/** Linux: boot id + start time in clock ticks, unique for the machine's lifetime. */
function linuxStartToken(pid: number): { token: string; zombie: boolean } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, starttime field 22 (proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return { token: `${bootId}:${fields[19]}`, zombie: fields[0] === 'Z' };
  } catch {
    return null;
  }
}

export function probeProcess(pid: number): ProcessState {
  const linux = linuxStartToken(pid);
  if (linux) return { exists: !linux.zombie, startToken: linux.token };
  try {
    process.kill(pid, 0);
    return { exists: true, startToken: null };
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return { exists: (error as NodeJS.ErrnoException).code === 'EPERM', startToken: null };
  }
}

export interface Observer {
  host: string;
  now: number;
  probe: (pid: number) => ProcessState;
}

export function ownerIsGone(owner: JobOwner, observer: Observer): boolean {
  if (owner.host === observer.host) {
    const seen = observer.probe(owner.pid);
    if (!seen.exists) return true;
    if (owner.startToken !== null && seen.startToken !== null) return owner.startToken !== seen.startToken;
  }
  return observer.now - Date.parse(owner.heartbeatAt) > LEASE_MS;
}

/** Whether an owner is gone, judged from this process now (never this process's own `selfId`). */
export function goneFromHere(selfId: string | null = null): (owner: JobOwner) => boolean {
  const observer: Observer = { host: hostname(), now: Date.now(), probe: probeProcess };
  return (owner) => owner.id !== selfId && ownerIsGone(owner, observer);
}

/**
 * This process's ownership of jobs in one open library: registered with the first job it claims,
 * renewed on a timer that does not keep the process alive, removed when the library closes. It also
 * answers which running jobs of the library lost their process, and closes them as interrupted.
 */
export class JobOwnership {
  readonly id = randomUUID();
  private readonly startToken = probeProcess(process.pid).startToken;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: WritableDB) {}

  /**
   * Runs `start`, which sets a job running and returns it (or its id), in one transaction with
   * recording this process as its owner, so no other process can see it running without an owner.
   */
  own<T extends number | { id: number }>(kind: JobKind, start: () => T): T {
    return this.db.transaction(() => {
      const job = start();
      this.claim(kind, typeof job === 'number' ? job : job.id);
      return job;
    })();
  }

  /** Running jobs of `kind` whose process is gone: what the next opening for work closes as interrupted. */
  orphaned(kind: JobKind): Set<number> {
    return orphanedJobIds(this.db, kind, goneFromHere(this.id));
  }

  /** Closes jobs whose process died while this library was open here (before resuming one of them). */
  closeOrphaned(): void {
    closeAbandonedJobs(this.db, goneFromHere(this.id));
  }

  /** Marks a job as this process's; run it in the transaction that sets the job running. */
  private claim(kind: JobKind, jobId: number): void {
    if (!this.timer) {
      this.renew();
      this.timer = setInterval(() => {
        try {
          this.renew();
        } catch {
          // A busy or briefly unreachable database: the next beat retries, well within the lease.
        }
      }, HEARTBEAT_MS);
      this.timer.unref();
    }
    claimJob(this.db, kind, jobId, this.id);
  }

  /** Leaves cleanly: jobs still marked running after this (there should be none) count as orphaned. */
  release(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    removeOwner(this.db, this.id);
  }

  private renew(): void {
    saveOwner(this.db, {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      startToken: this.startToken,
      heartbeatAt: new Date().toISOString(),
    });
  }
}
