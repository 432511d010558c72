import { describe, expect, it } from 'vitest';
import { lavfiGraph } from '../src-main/core/media/synthesize.ts';
import { clipSegments, generatedFamilies, type FamilyVideo } from './learn-families.ts';

function byLabel(videos: readonly FamilyVideo[]): Map<string, FamilyVideo[]> {
  const groups = new Map<string, FamilyVideo[]>();
  for (const video of videos) groups.set(video.label, [...(groups.get(video.label) ?? []), video]);
  return groups;
}

describe('bench:learn footage families', () => {
  const families = generatedFamilies(4);

  it('gives every family at least two classes with enough videos each, and unique names and seeds', () => {
    for (const family of families) {
      const perLabel = byLabel(family.videos);
      expect(perLabel.size, family.name).toBeGreaterThanOrEqual(2);
      for (const videos of perLabel.values()) expect(videos.length).toBeGreaterThanOrEqual(4);
    }
    const videos = families.flatMap((family) => family.videos);
    expect(new Set(videos.map((video) => video.fileName)).size).toBe(videos.length);
    expect(new Set(videos.map((video) => video.spec.seed)).size).toBe(videos.length);
  });

  it('makes the classes of a family different videos, and no two videos the same', () => {
    const graphs = families.flatMap((family) => family.videos.map((video) => lavfiGraph(video.spec)));
    expect(new Set(graphs).size).toBe(graphs.length);
    for (const family of families) {
      // Same seed, another class: what the class sets must change the graph.
      const [first, second] = [...byLabel(family.videos).values()].map((videos) => videos[0]?.spec);
      expect(lavfiGraph({ ...second!, seed: first!.seed })).not.toBe(lavfiGraph(first!));
    }
  });

  it('holds out every family whose pattern the learning tests never used', () => {
    const tunedPatterns = new Set(['mandelbrot', 'moving-box', 'growing-box']);
    for (const family of families) {
      const usesTuned = family.videos.some((video) => tunedPatterns.has(video.spec.pattern));
      expect(family.group, family.name).toBe(usesTuned ? 'tuned' : 'held-out');
    }
    expect(families.filter((family) => family.group === 'held-out').length).toBeGreaterThanOrEqual(3);
  });

  it('cuts real clips into labelled pieces and leaves out clips too short for two', () => {
    const segments = clipSegments([
      { fileName: 'a.avi', durationS: 6.56 },
      { fileName: 'b.mp4', durationS: 10 },
      { fileName: 'short.mp4', durationS: 3.9 },
    ]);
    expect(segments.map((segment) => [segment.label, segment.startS])).toEqual([
      ['a', 0], ['a', 2], ['a', 4], ['b', 0], ['b', 2], ['b', 4], ['b', 6], ['b', 8],
    ]);
    expect(new Set(segments.map((segment) => segment.fileName)).size).toBe(segments.length);
  });
});
