// The "Open recent" list: plain Node, persisted as JSON (the desktop app's user-data folder, or ~/.pretext-studio for serve).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const MAX_RECENT_LIBRARIES = 10;

/** Where the list is kept; a file in production, memory in tests. */
export interface RecentStore {
  /** The stored text, or null when nothing was stored yet. */
  read(): string | null;
  write(text: string): void;
  exists(path: string): boolean;
}

interface StoredList {
  version: 1;
  libraries: string[];
}

/** Most recent first, each path once, at most `max`. */
export function withRecent(list: readonly string[], path: string, max = MAX_RECENT_LIBRARIES): string[] {
  const added = resolve(path);
  return [added, ...list.filter((entry) => entry !== added)].slice(0, max);
}

/** Reads a stored list leniently: a damaged or foreign file is an empty list, never a crash. */
export function parseRecent(text: string | null): string[] {
  if (text === null) return [];
  try {
    const data = JSON.parse(text) as Partial<StoredList> | null;
    const libraries = Array.isArray(data?.libraries) ? data.libraries : [];
    const paths = libraries.filter((entry): entry is string => typeof entry === 'string' && entry !== '');
    return [...new Set(paths.map((entry) => resolve(entry)))].slice(0, MAX_RECENT_LIBRARIES);
  } catch {
    return [];
  }
}

export function serializeRecent(libraries: readonly string[]): string {
  const data: StoredList = { version: 1, libraries: [...libraries] };
  return `${JSON.stringify(data, null, 2)}\n`;
}

export class RecentLibraries {
  constructor(private readonly store: RecentStore) {}

  /** The remembered libraries that still exist; gone ones are dropped from the file too. */
  list(): string[] {
    const stored = parseRecent(this.store.read());
    const present = stored.filter((path) => this.store.exists(path));
    if (present.length !== stored.length) this.save(present);
    return present;
  }

  add(path: string): string[] {
    const stored = parseRecent(this.store.read());
    const updated = withRecent(stored, path);
    if (updated.join('\n') !== stored.join('\n')) this.save(updated);
    return updated;
  }

  clear(): void {
    this.save([]);
  }

  private save(libraries: readonly string[]): void {
    this.store.write(serializeRecent(libraries));
  }
}

/**
 * The list in a JSON file. Writes go to a temporary file that is then renamed over the old one, so
 * a crash mid-write leaves the previous list, never half a file.
 */
export function jsonFileStore(file: string): RecentStore {
  return {
    read: () => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    },
    write: (text) => {
      const temporary = `${file}.${process.pid}.tmp`;
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(temporary, text, { mode: 0o600 });
        renameSync(temporary, file);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      }
    },
    exists: (path) => existsSync(path),
  };
}
