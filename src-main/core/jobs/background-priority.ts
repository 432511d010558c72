import { constants, platform, setPriority } from 'node:os';

/**
 * Lowers the scheduling priority of the calling worker thread, and of what it starts later (the
 * threads of its compute backend, its ffmpeg processes), so that on a busy CPU the main thread,
 * which answers the UI, runs first. Linux only: there a nice value belongs to one thread; on macOS
 * and Windows it would slow the whole process, the UI included. Best effort: a refusal changes nothing.
 */
export function runInBackground(): void {
  if (platform() !== 'linux') return;
  try {
    setPriority(constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Not allowed here (a sandbox): the work still runs, at normal priority.
  }
}
