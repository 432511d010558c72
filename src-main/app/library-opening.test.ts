import { describe, expect, it, vi } from 'vitest';
import type { LibraryInfo } from '../shared/dto.ts';
import { ApiError } from '../shared/errors.ts';
import { openWithRecovery, type LibraryOpener, type LibraryTarget, type RecoveryChoice } from './library-opening.ts';

const tooNew = new ApiError('DB_TOO_NEW', 'This library was written by a newer Pretext Studio.');
const info = (path: string) => ({ path }) as LibraryInfo;

function opener(options: { failing: Record<string, Error>; choices: RecoveryChoice[]; picks: Array<string | null> }) {
  const opened: LibraryTarget[] = [];
  const fake = {
    open: vi.fn((target: LibraryTarget) => {
      opened.push(target);
      const failure = options.failing[target.path];
      if (failure) throw failure;
      return info(target.path);
    }),
    askAfterFailure: vi.fn(async () => options.choices.shift() ?? 'quit'),
    pickLibrary: vi.fn(async () => options.picks.shift() ?? null),
  } satisfies LibraryOpener;
  return { fake, opened };
}

describe('openWithRecovery', () => {
  it('opens the library when nothing fails, without asking', async () => {
    const { fake } = opener({ failing: {}, choices: [], picks: [] });
    expect(await openWithRecovery({ path: '/lib.pretext', create: true }, fake)).toEqual(info('/lib.pretext'));
    expect(fake.askAfterFailure).not.toHaveBeenCalled();
  });

  it('shows a library from a newer version to the user and opens the one they pick instead', async () => {
    const { fake, opened } = opener({
      failing: { '/new.pretext': tooNew },
      choices: ['open-other'],
      picks: ['/old.pretext'],
    });
    expect(await openWithRecovery({ path: '/new.pretext', create: false }, fake)).toEqual(info('/old.pretext'));
    expect(fake.askAfterFailure).toHaveBeenCalledWith('/new.pretext', {
      code: 'DB_TOO_NEW',
      message: tooNew.message,
    });
    expect(fake.pickLibrary).toHaveBeenCalledWith('open');
    expect(opened).toEqual([
      { path: '/new.pretext', create: false },
      { path: '/old.pretext', create: false },
    ]);
  });

  it('creates a new library when asked, and asks again after a cancelled dialog', async () => {
    const { fake, opened } = opener({
      failing: { '/new.pretext': tooNew },
      choices: ['create-new', 'create-new'],
      picks: [null, '/fresh.pretext'],
    });
    expect(await openWithRecovery({ path: '/new.pretext', create: false }, fake)).toEqual(info('/fresh.pretext'));
    expect(fake.askAfterFailure).toHaveBeenCalledTimes(2);
    expect(opened.at(-1)).toEqual({ path: '/fresh.pretext', create: true });
  });

  it('keeps asking while the picked library fails too, and reports other errors as data', async () => {
    const { fake } = opener({
      failing: { '/a': tooNew, '/b': new Error('disk on fire') },
      choices: ['open-other', 'give-up'],
      picks: ['/b'],
    });
    expect(await openWithRecovery({ path: '/a', create: false }, fake)).toBeNull();
    expect(fake.askAfterFailure).toHaveBeenLastCalledWith('/b', { code: 'INTERNAL', message: 'disk on fire' });
  });

  it('quits when the user says so', async () => {
    const { fake } = opener({ failing: { '/a': tooNew }, choices: ['quit'], picks: [] });
    expect(await openWithRecovery({ path: '/a', create: false }, fake)).toBe('quit');
    expect(fake.pickLibrary).not.toHaveBeenCalled();
  });
});
