import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index.ts';

const insertSet = (db: Database.Database, key: string, config: object, protocol?: string) =>
  db
    .prepare(
      `INSERT INTO feature_sets (source_key, source_json, name, config_json, clips_per_video, frames_per_clip, status,
         created_at, updated_at${protocol ? ', protocol' : ''})
       VALUES (?, '{}', 'n', ?, 10, 16, 'ready', 'now', 'now'${protocol ? ', ?' : ''})`,
    )
    .run(key, JSON.stringify(config), ...(protocol ? [protocol] : []));

describe('migration 0006 (feature protocol)', () => {
  it('marks every earlier set compact, at the crop its encoder took', () => {
    const db = new Database(':memory:');
    migrate(db, 5);
    insertSet(db, 'a', { task: { task: 'clip-order', cropSize: 112 } });
    insertSet(db, 'b', { task: { task: 'sequence-sorting', patchSize: 80 } });
    migrate(db, 6);
    expect(schemaVersion(db)).toBe(6);
    expect(db.prepare('SELECT source_key, protocol, input_size FROM feature_sets ORDER BY id').all()).toEqual([
      { source_key: 'a', protocol: 'compact', input_size: 112 },
      { source_key: 'b', protocol: 'compact', input_size: 80 },
    ]);
  });

  it('accepts the reference protocol and refuses an unknown one', () => {
    const db = new Database(':memory:');
    migrate(db, 6);
    insertSet(db, 'r', { task: {} }, 'vcop-reference');
    expect(() => insertSet(db, 'x', { task: {} }, 'global')).toThrow(/CHECK/);
  });
});
