import { describe, expect, it } from 'vitest';
import type { TupleDetails } from '@shared/tasks.ts';
import { tuplePreview } from '../lib/testing/stubs.ts';
import {
  candidateRows,
  elementTruths,
  frameMarks,
  frameNotes,
  labelMeaning,
  labelText,
  ordinal,
  orderText,
  timeOrder,
  truthSummary,
  usedFrames,
} from './truth.ts';


describe('labels and ranks', () => {
  it('words the label and ordinals', () => {
    expect(labelText({ label: 7, classCount: 12 })).toBe('class 7 of 12');
    expect([0, 1, 2, 3, 10, 11, 12, 20, 21, 100].map(ordinal)).toEqual([
      '1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st',
    ]);
    expect(orderText([2, 0, 1])).toBe('3-1-2');
  });

  it('says what the label stands for', () => {
    expect(labelMeaning(tuplePreview('order-verification', { label: 1 }))).toBe('correct order');
    expect(labelMeaning(tuplePreview('order-verification', { label: 0 }))).toBe('wrong order');
    expect(labelMeaning(tuplePreview('odd-one-out', { label: 2 }))).toBe('element 3 is the odd one');
  });
});

describe('elementTruths', () => {
  it('S&L: names the candidate letter of each shown frame and flags a wrong middle', () => {
    const detail: TupleDetails['order-verification'] = { kind: 'negative-before', candidates: [10, 15, 20, 25, 30] };
    const frames = [15, 10, 25];
    const base = tuplePreview('order-verification');
    const preview = {
      ...base,
      detail,
      elements: frames.map((frame) => ({ frames: [{ ...base.elements[0]!.frames[0]!, frame }] })),
    };
    const truths = elementTruths(preview);
    expect(truths.map((t) => [t.badge, t.rank, t.odd])).toEqual([
      ['b', 1, false],
      ['a', 0, true],
      ['d', 3, false],
    ]);
    expect(truthSummary(preview)).toBe('negative: the middle frame is a, from before b — shows (b, a, d)');
    expect(candidateRows(preview)).toEqual([
      { letter: 'a', frame: 10, shown: true },
      { letter: 'b', frame: 15, shown: true },
      { letter: 'c', frame: 20, shown: false },
      { letter: 'd', frame: 25, shown: true },
      { letter: 'e', frame: 30, shown: false },
    ]);
    expect(timeOrder(preview)).toBeNull();
  });

  it('OPN and VCOP: the time rank of each element, and the elements in time order', () => {
    const opn = tuplePreview('sequence-sorting', { detail: { order: [2, 0, 3, 1] } });
    expect(elementTruths(opn).map((t) => [t.badge, t.rank])).toEqual([
      ['3rd', 2],
      ['1st', 0],
      ['4th', 3],
      ['2nd', 1],
    ]);
    expect(timeOrder(opn)).toEqual([1, 3, 0, 2]);
    expect(truthSummary(opn)).toBe('Frames shown in time order 3-1-4-2');

    const vcop = tuplePreview('clip-order', { detail: { order: [1, 2, 0] } });
    expect(elementTruths(vcop).map((t) => t.rank)).toEqual([1, 2, 0]);
    expect(timeOrder(vcop)).toEqual([2, 0, 1]);
    expect(truthSummary(vcop)).toBe('Clips shown in time order 2-3-1');
  });

  it('O3N: highlights the odd subsequence and ranks its frames', () => {
    const preview = tuplePreview('odd-one-out', { detail: { oddIndex: 2, oddOrder: [1, 2, 0] } });
    const truths = elementTruths(preview);
    expect(truths.map((t) => t.odd)).toEqual([false, false, true, false]);
    expect(truths[2]).toMatchObject({ badge: 'odd', frameRanks: [1, 2, 0] });
    expect(truths[0]).toMatchObject({ badge: 'in order', frameRanks: [0, 1, 2] });
    expect(truthSummary(preview)).toBe('Element 3 is odd; its frames are in time order 2-3-1');
    expect(timeOrder(preview)).toBeNull();
  });

  it('tolerates a detail that does not cover the elements', () => {
    const preview = tuplePreview('sequence-sorting', { detail: { order: [1, 0] } });
    const truths = elementTruths(preview);
    expect(truths).toHaveLength(4);
    expect(truths[3]).toMatchObject({ badge: '', rank: null });
    expect(timeOrder(preview)).toBeNull();
  });
});

describe('frames', () => {
  it('lists the used frames once, ascending', () => {
    const preview = tuplePreview('odd-one-out');
    const frames = usedFrames(preview);
    expect(frames).toEqual([...new Set(frames)].sort((a, b) => a - b));
    expect(frames.length).toBeGreaterThan(0);
  });

  it('marks each element’s frames once for the motion curve', () => {
    const base = tuplePreview('odd-one-out');
    const frame = base.elements[0]!.frames[0]!;
    const preview = {
      elements: [{ frames: [frame, { ...frame, frame: 9 }, frame] }, { frames: [{ ...frame, frame: 9 }] }],
    };
    expect(frameMarks(preview)).toEqual([
      { frame: frame.frame, element: 0 },
      { frame: 9, element: 0 },
      { frame: 9, element: 1 },
    ]);
  });

  it('annotates flips and channel splits', () => {
    expect(frameNotes({ flip: false, channel: null })).toEqual([]);
    expect(frameNotes({ flip: true, channel: 2 })).toEqual(['flipped', 'B only']);
  });
});
