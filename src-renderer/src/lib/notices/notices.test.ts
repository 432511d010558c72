import { describe, expect, it } from 'vitest';
import { ApiError } from '@shared/errors.ts';
import { Notices } from './notices.svelte.ts';

describe('Notices', () => {
  it('shows the message and code of any error', () => {
    const notices = new Notices();
    notices.report(new ApiError('BUSY', 'An import is already running.'), 'Start import');
    notices.report(new Error('boom'), 'Load videos');
    notices.report('plain string', 'Other');
    expect(notices.items.map((n) => [n.context, n.code, n.message])).toEqual([
      ['Start import', 'BUSY', 'An import is already running.'],
      ['Load videos', 'INTERNAL', 'boom'],
      ['Other', 'INTERNAL', 'plain string'],
    ]);
  });

  it('folds repeats, keeps the last few, dismisses and resolves by action', () => {
    const notices = new Notices();
    const busy = new ApiError('BUSY', 'busy');
    notices.report(busy, 'Start import');
    notices.report(busy, 'Start import');
    expect(notices.items).toHaveLength(1);
    expect(notices.items[0]?.repeats).toBe(2);
    for (let i = 0; i < 10; i++) notices.report(new Error(`e${i}`), 'Load videos');
    expect(notices.items).toHaveLength(5);
    expect(notices.items.at(-1)?.message).toBe('e9');
    notices.resolve('Load videos');
    expect(notices.items).toHaveLength(0);
    notices.report(busy, 'Start import');
    notices.dismiss(notices.items[0]!.id);
    expect(notices.items).toHaveLength(0);
  });

  it('shows a screen\'s errors on that screen only, and dismisses all of a screen at once', () => {
    const notices = new Notices();
    notices.for('train').report(new Error('no run'), 'Load training runs');
    notices.for('retrieve', 'evaluate').report(new Error('no sets'), 'Load feature sets');
    notices.report(new Error('no info'), 'Read app info');
    const shown = (screen: string) => notices.on(screen).map((n) => n.context);
    expect(shown('train')).toEqual(['Load training runs', 'Read app info']);
    expect(shown('evaluate')).toEqual(['Load feature sets', 'Read app info']);
    expect(shown('library')).toEqual(['Read app info']);
    notices.dismissOn('retrieve');
    expect(notices.items.map((n) => n.context)).toEqual(['Load training runs']);
    notices.for('train').resolve('Load training runs');
    expect(notices.items).toEqual([]);
  });
});
