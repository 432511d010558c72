import { describe, expect, it } from 'vitest';
import type { NeighbourDto, RetrievalResult } from '@shared/dto.ts';
import { comparePlan, neighbourKey } from './compare-plan.ts';

function neighbour(rank: number, videoId: number, clip: NeighbourDto['clip'] = null, match: NeighbourDto['match'] = null): NeighbourDto {
  return { rank, videoId, fileName: `v_${videoId}.mp4`, label: 'a', score: 1 - rank / 10, sameLabel: true, clip, match };
}

const span = (index: number, start: number) => ({ index, startSeconds: start, endSeconds: start + 0.64 });

const query = { videoId: 1, fileName: 'v_1.mp4', label: 'a' };

describe('comparePlan', () => {
  it('plays whole videos from 0 for the query’s duration', () => {
    const result: RetrievalResult = { setId: 1, query: { ...query, clip: null }, neighbours: [neighbour(1, 5), neighbour(2, 7)] };
    const plan = comparePlan(result, [neighbour(2, 7)], 7.2);
    expect(plan.span).toBe(7.2);
    expect(plan.tiles.map((t) => [t.key, t.videoId, t.offset, t.neighbour?.rank ?? null])).toEqual([
      ['query', 1, 0, null],
      ['7', 7, 0, 2],
    ]);
  });

  it('starts clip results at their clips and spans the query clip', () => {
    const clip = (index: number, start: number) => ({ index, startSeconds: start, endSeconds: start + 0.64 });
    const result: RetrievalResult = {
      setId: 1,
      query: { ...query, clip: clip(4, 2) },
      neighbours: [neighbour(1, 5, clip(3, 1.5)), neighbour(2, 5, clip(6, 3))],
    };
    const plan = comparePlan(result, result.neighbours, 7.2);
    expect(plan.span).toBeCloseTo(0.64);
    expect(plan.tiles.map((t) => [t.key, t.offset])).toEqual([
      ['query', 2],
      ['5:3', 1.5],
      ['5:6', 3],
    ]);
  });

  it('marks each result’s matched clip on its own timeline and every chosen match on the query’s', () => {
    const first = neighbour(1, 5, null, { query: span(2, 1), neighbour: span(7, 9.5), score: 0.9 });
    const second = neighbour(2, 7, null, { query: span(0, 0), neighbour: span(1, 0.5), score: 0.8 });
    const unmatched = neighbour(3, 9);
    const plan = comparePlan({ setId: 1, query: { ...query, clip: null }, neighbours: [first, second, unmatched] }, [first, second, unmatched], 4.7);
    const marks = plan.tiles.map((t) => t.marks.map((m) => [m.label, m.span.startSeconds]));
    expect(marks).toEqual([
      [['#1', 1], ['#2', 0]],
      [['#1', 9.5]],
      [['#2', 0.5]],
      [],
    ]);
  });

  it('marks the clips themselves in clip retrieval', () => {
    const result: RetrievalResult = { setId: 1, query: { ...query, clip: span(4, 2) }, neighbours: [neighbour(1, 5, span(3, 1.5))] };
    const plan = comparePlan(result, result.neighbours, 7.2);
    expect(plan.tiles.map((t) => t.marks.map((m) => [m.label, m.span.startSeconds, m.span.endSeconds]))).toEqual([[['clip', 2, 2.64]], [['clip', 1.5, 2.14]]]);
  });

  it('tells clips of one video apart', () => {
    expect(neighbourKey({ videoId: 3, clip: null })).toBe('3');
    expect(neighbourKey({ videoId: 3, clip: { index: 2, startSeconds: 0, endSeconds: 1 } })).toBe('3:2');
  });
});
