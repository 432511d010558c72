import type Database from 'better-sqlite3';

/** One schema version: a file of its own, listed in order in index.ts. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
